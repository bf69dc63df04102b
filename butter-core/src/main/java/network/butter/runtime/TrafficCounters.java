package network.butter.runtime;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.api.NodeStats;
import network.butter.api.RouteTraffic;

/**
 * Counts a node's traffic, messages and bytes, per route; written on the node loop, read from any thread. Routes
 * are the node's own (those it calls, those it serves), so the per-route map stays as small as its set of routes.
 *
 * <p>Every counter has one writer, the loop, so an increment is a plain read and an ordered store (no atomic
 * read-modify-write: four of those per frame sent were a few per cent of the loop's time), and the route's counters
 * are found by identity in a small cache before the map is asked: a node's handful of routes are the same string
 * instances request after request.
 */
final class TrafficCounters {

    /** Slots of the loop's cache of route counters; a power of two. */
    private static final int CACHED_ROUTES = 16;

    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong requestsReceived = new AtomicLong();
    private final AtomicLong repliesSent = new AtomicLong();
    private final AtomicLong repliesReceived = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final Map<String, Route> sentByRoute = new ConcurrentHashMap<>();
    /** The loop's own: route strings by the slot of their hash, and their counters, for when the same string comes again. */
    private final String[] cachedNames = new String[CACHED_ROUTES];
    private final Route[] cachedRoutes = new Route[CACHED_ROUTES];

    void requestSent(String route, int wireBytes) {
        add(requestsSent, 1);
        add(bytesSent, wireBytes);
        Route counters = countersOf(route);
        add(counters.requests, 1);
        add(counters.requestBytes, wireBytes);
    }

    void requestReceived() {
        add(requestsReceived, 1);
    }

    void replySent(String route, int wireBytes) {
        add(repliesSent, 1);
        add(bytesSent, wireBytes);
        Route counters = countersOf(route);
        add(counters.replies, 1);
        add(counters.replyBytes, wireBytes);
    }

    void replyReceived() {
        add(repliesReceived, 1);
    }

    /** Adds on the loop, the only writer: a plain sum and an ordered store, which readers see in time. */
    private static void add(AtomicLong counter, long amount) {
        counter.lazySet(counter.get() + amount);
    }

    private Route countersOf(String route) {
        int slot = route.hashCode() & (CACHED_ROUTES - 1);
        if (cachedNames[slot] == route) {
            return cachedRoutes[slot];
        }
        Route counters = sentByRoute.computeIfAbsent(route, r -> new Route());
        cachedNames[slot] = route;
        cachedRoutes[slot] = counters;
        return counters;
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
        return new NodeStats(requestsSent.get(), requestsReceived.get(), repliesSent.get(), repliesReceived.get(),
            requestsByRoute, bytesSent.get(), byRoute);
    }

    private static final class Route {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong replies = new AtomicLong();
        final AtomicLong requestBytes = new AtomicLong();
        final AtomicLong replyBytes = new AtomicLong();

        RouteTraffic snapshot() {
            return new RouteTraffic(requests.get(), replies.get(), requestBytes.get(), replyBytes.get());
        }
    }
}
