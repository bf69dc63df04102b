package network.butter.testbed;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import network.butter.api.RouteTraffic;

/**
 * One point of a scenario's time series, taken once a second. Traffic is every request and every answer of every
 * route (application and protocol), counted once at its sender, by all nodes that ever ran, alive and dead.
 *
 * @param timeMs         cluster time, in milliseconds
 * @param phase          the scenario phase it was taken in, e.g. {@code churn}
 * @param alive          nodes alive
 * @param deaths         nodes killed so far
 * @param availability   fraction of the stored items with at least one holder alive, as the protocol sees it;
 *                       NaN before any item is stored
 * @param requestsSent   requests sent so far by all nodes
 * @param repliesSent    answers sent so far by all nodes
 * @param bytesSent      bytes of those requests and answers (whole frames, length field included)
 * @param trafficByRoute requests and answers, messages and bytes, sent so far per route by all nodes; sorted
 * @param paths          connections opened so far, by path (direct, punched, relayed)
 * @param reachable      nodes alive that a node outside every home LAN could reach at the address they give now
 *                       (directly or through their relay); -1 where the cluster cannot tell (real nodes)
 */
public record Sample(long timeMs, String phase, int alive, long deaths, double availability, long requestsSent,
                     long repliesSent, long bytesSent, Map<String, RouteTraffic> trafficByRoute, PathCounts paths,
                     int reachable) {

    /** Copies the map, sorted, so the sample cannot change and prints in a stable order. */
    public Sample {
        trafficByRoute = Collections.unmodifiableSortedMap(new TreeMap<>(trafficByRoute));
        java.util.Objects.requireNonNull(paths, "paths");
    }

    /** Requests sent so far per route (routes with requests only); sorted by route. */
    public SortedMap<String, Long> requestsByRoute() {
        SortedMap<String, Long> requests = new TreeMap<>();
        trafficByRoute.forEach((route, traffic) -> {
            if (traffic.requests() > 0) {
                requests.put(route, traffic.requests());
            }
        });
        return Collections.unmodifiableSortedMap(requests);
    }

    /** Traffic so far per protocol ({@link RouteTraffic#protocolOf}, e.g. {@code butter/hosts}); sorted. */
    public SortedMap<String, RouteTraffic> trafficByProtocol() {
        SortedMap<String, RouteTraffic> protocols = new TreeMap<>();
        trafficByRoute.forEach((route, traffic) ->
            protocols.merge(RouteTraffic.protocolOf(route), traffic, RouteTraffic::plus));
        return Collections.unmodifiableSortedMap(protocols);
    }
}
