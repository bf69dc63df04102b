package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * A handler failure whose message is written for the caller. When a handler throws one (or a subclass), the
 * caller's {@link RemoteHandlerException} carries its message word for word; the cause, if any, stays in the
 * serving node's log. Anything else a handler throws is internal: the caller only learns "internal error" and an
 * incident id that the serving node logs with the full exception, so that file paths, class names and other
 * internals never leave the node.
 *
 * <p>Put nothing in the message that the caller should not read (paths, keys, other peers' requests).
 */
public class PublicException extends ButterException {

    /** @param message what the caller may learn about the failure, e.g. "no such wiki page: Foo" */
    public PublicException(String message) {
        super(ErrorCode.HANDLER_FAILED, message, null);
    }

    /**
     * @param message what the caller may learn about the failure
     * @param cause   the internal reason, logged on this node and never sent
     */
    public PublicException(String message, Throwable cause) {
        super(ErrorCode.HANDLER_FAILED, message, cause);
    }
}
