package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * The peer's handler for the route threw, or did not finish before its deadline. The message carries what
 * the peer reported, e.g. {@code "IllegalStateException: disk full"}.
 */
public final class RemoteHandlerException extends ButterException {

    private final String remoteMessage;

    /**
     * @param peer          the node whose handler failed
     * @param route         the route called
     * @param code          {@link ErrorCode#HANDLER_FAILED} or {@link ErrorCode#HANDLER_TIMEOUT}
     * @param remoteMessage what the peer reported
     */
    public RemoteHandlerException(Object peer, String route, ErrorCode code, String remoteMessage) {
        super(code, "handler for '" + route + "' on " + peer
            + (code == ErrorCode.HANDLER_TIMEOUT ? " timed out: " : " failed: ") + remoteMessage, null);
        this.remoteMessage = remoteMessage;
    }

    /** The failure as reported by the peer. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /** Whether the handler ran out of time rather than threw. */
    public boolean timedOut() {
        return code() == ErrorCode.HANDLER_TIMEOUT;
    }
}
