package network.butter.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import network.butter.api.NodeStats;

/** Counts a node's traffic; written on the node loop, read from any thread. */
final class TrafficCounters {

    private final LongAdder requestsSent = new LongAdder();
    private final LongAdder requestsReceived = new LongAdder();
    private final LongAdder repliesSent = new LongAdder();
    private final LongAdder repliesReceived = new LongAdder();
    private final Map<String, LongAdder> sentByRoute = new ConcurrentHashMap<>();

    void requestSent(String route) {
        requestsSent.increment();
        sentByRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
    }

    void requestReceived() {
        requestsReceived.increment();
    }

    void replySent() {
        repliesSent.increment();
    }

    void replyReceived() {
        repliesReceived.increment();
    }

    NodeStats snapshot() {
        Map<String, Long> byRoute = new TreeMap<>();
        sentByRoute.forEach((route, count) -> byRoute.put(route, count.sum()));
        return new NodeStats(requestsSent.sum(), requestsReceived.sum(), repliesSent.sum(), repliesReceived.sum(),
            byRoute);
    }
}
