package network.butter.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import network.butter.api.NodeStats;
import network.butter.api.RouteTraffic;

/**
 * Counts a node's traffic, messages and bytes, per route; written on the node loop, read from any thread. Routes
 * are the node's own (those it calls, those it serves), so the per-route map stays as small as its set of routes.
 */
final class TrafficCounters {

    private final LongAdder requestsSent = new LongAdder();
    private final LongAdder requestsReceived = new LongAdder();
    private final LongAdder repliesSent = new LongAdder();
    private final LongAdder repliesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final Map<String, Route> sentByRoute = new ConcurrentHashMap<>();

    void requestSent(String route, int wireBytes) {
        requestsSent.increment();
        bytesSent.add(wireBytes);
        Route counters = sentByRoute.computeIfAbsent(route, r -> new Route());
        counters.requests.increment();
        counters.requestBytes.add(wireBytes);
    }

    void requestReceived() {
        requestsReceived.increment();
    }

    void replySent(String route, int wireBytes) {
        repliesSent.increment();
        bytesSent.add(wireBytes);
        Route counters = sentByRoute.computeIfAbsent(route, r -> new Route());
        counters.replies.increment();
        counters.replyBytes.add(wireBytes);
    }

    void replyReceived() {
        repliesReceived.increment();
    }

    NodeStats snapshot() {
        Map<String, Long> requestsByRoute = new TreeMap<>();
        Map<String, RouteTraffic> byRoute = new TreeMap<>();
        sentByRoute.forEach((route, counters) -> {
            RouteTraffic traffic = counters.snapshot();
            byRoute.put(route, traffic);
            if (traffic.requests() > 0) {
                requestsByRoute.put(route, traffic.requests());
            }
        });
        return new NodeStats(requestsSent.sum(), requestsReceived.sum(), repliesSent.sum(), repliesReceived.sum(),
            requestsByRoute, bytesSent.sum(), byRoute);
    }

    private static final class Route {
        final LongAdder requests = new LongAdder();
        final LongAdder replies = new LongAdder();
        final LongAdder requestBytes = new LongAdder();
        final LongAdder replyBytes = new LongAdder();

        RouteTraffic snapshot() {
            return new RouteTraffic(requests.sum(), replies.sum(), requestBytes.sum(), replyBytes.sum());
        }
    }
}
