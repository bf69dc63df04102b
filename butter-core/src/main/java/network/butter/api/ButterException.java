package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * Base of every error Butter reports to applications. Unchecked, so the blocking API stays readable; each
 * failure has its own subclass so callers can react precisely (retry elsewhere on
 * {@link PeerUnreachableException}, back off on {@link OverloadedException}, fix a bug on
 * {@link UnknownRouteException}).
 */
public class ButterException extends RuntimeException {

    private final ErrorCode code;

    /**
     * @param code    the matching wire code, {@link ErrorCode#UNKNOWN} for purely local failures
     * @param message a precise, human-readable description
     * @param cause   the underlying cause, or null
     */
    public ButterException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The wire error code this failure corresponds to. */
    public ErrorCode code() {
        return code;
    }

    /**
     * Turns a FAILURE frame from a peer into the exception its code stands for.
     *
     * @param peer    who answered
     * @param route   the route that was called
     * @param code    the code in the frame
     * @param message the message in the frame
     */
    public static ButterException fromRemote(Object peer, String route, ErrorCode code, String message) {
        String where = "'" + route + "' on " + peer;
        return switch (code) {
            case UNKNOWN_ROUTE -> new UnknownRouteException(peer, route);
            case HANDLER_FAILED, HANDLER_TIMEOUT -> new RemoteHandlerException(peer, route, code, message);
            case PAYLOAD_TOO_LARGE -> new PayloadTooLargeException(where + ": " + message);
            case OVERLOADED -> new OverloadedException(where + ": " + message);
            case RATE_LIMITED -> RateLimitedException.fromRemote(where + ": " + message, message);
            case SHUTTING_DOWN -> new PeerUnreachableException(peer, "it is shutting down: " + message, null);
            default -> new ButterException(code, where + " failed with " + code + ": " + message, null);
        };
    }
}
