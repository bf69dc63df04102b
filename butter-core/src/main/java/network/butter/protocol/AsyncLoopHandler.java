package network.butter.protocol;

import java.util.concurrent.CompletableFuture;
import network.butter.api.Reply;
import network.butter.api.Request;

/**
 * Serves a route of a built-in protocol on the node loop when the answer needs a round trip of its own first (a
 * failure detector's indirect probe asks a third node before it answers). Like {@link LoopHandler} it must not
 * block; the future it returns must complete on the node loop (a {@link ProtocolContext#request} future does), and
 * it must complete within a bound the protocol keeps, since nothing here times it out: the caller's own timeout
 * ends the caller's wait. Whatever it throws, or the future fails with, is reported to the caller as a handler
 * failure.
 */
@FunctionalInterface
public interface AsyncLoopHandler {

    /** Starts answering a request from protocol state, on the node loop; the answer follows when the future completes. */
    CompletableFuture<Reply> handle(Request request) throws Exception;
}
