package network.butter.api;

import java.util.Map;

/**
 * Traffic counters of a node since it started, for monitoring and for the testbed's "messages by type".
 *
 * @param requestsSent        requests this node sent to peers
 * @param requestsReceived    requests peers sent to this node
 * @param repliesSent         answers (success or failure) this node sent
 * @param repliesReceived     answers this node received for its own requests
 * @param requestsSentByRoute requests sent, per route
 * @param bytesSent           bytes of the requests and answers this node sent (whole frames, length field
 *                            included; cancels and connection set-up are not counted)
 * @param sentByRoute         requests and answers sent, messages and bytes, per route; answers to requests on a
 *                            route this node does not serve are counted under {@link #UNKNOWN_ROUTE}
 */
public record NodeStats(long requestsSent, long requestsReceived, long repliesSent, long repliesReceived,
                        Map<String, Long> requestsSentByRoute, long bytesSent, Map<String, RouteTraffic> sentByRoute) {

    /**
     * Where answers to requests on routes this node does not serve are counted: peers choose those routes, so
     * counting each under its own name would let them grow the map without bound.
     */
    public static final String UNKNOWN_ROUTE = "(unknown)";

    /** Copies the maps so the snapshot cannot change. */
    public NodeStats {
        requestsSentByRoute = Map.copyOf(requestsSentByRoute);
        sentByRoute = Map.copyOf(sentByRoute);
    }

    /**
     * All frames carrying requests or answers, both ways, as seen by this node. Summed over a network this counts
     * every frame twice (at its sender and at its receiver); count {@code requestsSent + repliesSent} for a
     * network total.
     */
    public long messages() {
        return requestsSent + requestsReceived + repliesSent + repliesReceived;
    }
}
