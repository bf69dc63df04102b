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
 */
public record NodeStats(long requestsSent, long requestsReceived, long repliesSent, long repliesReceived,
                        Map<String, Long> requestsSentByRoute) {

    /** Copies the map so the snapshot cannot change. */
    public NodeStats {
        requestsSentByRoute = Map.copyOf(requestsSentByRoute);
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
