package network.butter.api;

import network.butter.wire.ErrorCode;

/** No answer arrived within the request's timeout. The peer is told to stop working on it. */
public final class RequestTimeoutException extends ButterException {

    private final String route;
    private final long timeoutMs;

    /**
     * @param peer      the node that was called
     * @param route     the route that was called
     * @param timeoutMs how long the caller waited, in milliseconds
     */
    public RequestTimeoutException(Object peer, String route, long timeoutMs) {
        super(ErrorCode.UNKNOWN, "no answer from " + peer + " to '" + route + "' within " + timeoutMs + " ms", null);
        this.route = route;
        this.timeoutMs = timeoutMs;
    }

    /** The route that was called: a failure detector tells its own probes' timeouts from the others by it. */
    public String route() {
        return route;
    }

    /** How long the caller waited, in milliseconds. */
    public long timeoutMs() {
        return timeoutMs;
    }
}
