package network.butter.protocol;

import network.butter.api.Reply;
import network.butter.api.Request;

/**
 * Serves a route of a built-in protocol directly on the node loop, with no thread hop: for quick,
 * non-blocking answers from protocol state (a host sample, a poll). It must not block; whatever it throws is
 * reported to the caller as a handler failure, as for application handlers, except an
 * {@link network.butter.api.OverloadedException}: that refusal reaches the caller as {@code OVERLOADED} with its
 * message (a protocol's own rate limit).
 */
@FunctionalInterface
public interface LoopHandler {

    /** Answers a request from protocol state, on the node loop. */
    Reply handle(Request request) throws Exception;
}
