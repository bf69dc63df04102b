package network.butter.protocol;

import network.butter.api.Reply;
import network.butter.api.Request;

/**
 * Serves a route of a built-in protocol directly on the node loop, with no thread hop: for quick,
 * non-blocking answers from protocol state (a host sample, a poll). It must not block. Requests reach it only
 * within the caller's per-peer in-flight limit and its per-peer rate budget on the route
 * ({@link network.butter.api.PeerBudget}). Whatever it throws is reported to the caller as a handler failure, as
 * for application handlers: a {@link network.butter.wire.WireFormatException}'s or a
 * {@link network.butter.api.PublicException}'s message goes to the caller, anything else only as an incident id. An
 * {@link network.butter.api.OverloadedException} (a protocol's own rate limit) reaches the caller as
 * {@code OVERLOADED} with its message.
 */
@FunctionalInterface
public interface LoopHandler {

    /** Answers a request from protocol state, on the node loop. */
    Reply handle(Request request) throws Exception;
}
