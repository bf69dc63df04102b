package network.butter.api;

/**
 * What a node sent on one route: its requests and its answers to peers' requests, as messages and as bytes on the
 * wire (whole frames, length field included). Summed over every node this is the route's whole cost, each message
 * counted once, at its sender.
 *
 * @param requests     requests this node sent on the route
 * @param replies      answers (success or failure) this node sent to requests on the route
 * @param requestBytes bytes of those requests
 * @param replyBytes   bytes of those answers
 */
public record RouteTraffic(long requests, long replies, long requestBytes, long replyBytes) {

    /** Nothing sent. */
    public static final RouteTraffic NONE = new RouteTraffic(0, 0, 0, 0);

    /** Requests and answers together. */
    public long messages() {
        return requests + replies;
    }

    /** Bytes of requests and answers together. */
    public long bytes() {
        return requestBytes + replyBytes;
    }

    /** The sum of this and {@code other}, e.g. to total a route over nodes. */
    public RouteTraffic plus(RouteTraffic other) {
        return new RouteTraffic(requests + other.requests, replies + other.replies,
            requestBytes + other.requestBytes, replyBytes + other.replyBytes);
    }

    /**
     * The protocol a route belongs to: the route without its last segment ({@code butter/hosts/poll} belongs to
     * {@code butter/hosts}), or the route itself if it has one segment.
     */
    public static String protocolOf(String route) {
        int slash = route.lastIndexOf('/');
        return slash <= 0 ? route : route.substring(0, slash);
    }
}
