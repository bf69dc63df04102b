package network.butter.testbed;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One point of a scenario's time series, taken once a second.
 *
 * @param timeMs          cluster time, in milliseconds
 * @param phase           the scenario phase it was taken in, e.g. {@code churn}
 * @param alive           nodes alive
 * @param deaths          nodes killed so far
 * @param availability    fraction of the stored items with at least one holder alive, as the protocol sees it;
 *                        NaN before any item is stored
 * @param requestsSent    requests sent so far by all nodes, alive and dead
 * @param repliesSent     answers sent so far by all nodes, alive and dead
 * @param requestsByRoute requests sent so far per route, by all nodes; sorted by route
 */
public record Sample(long timeMs, String phase, int alive, long deaths, double availability, long requestsSent,
                     long repliesSent, Map<String, Long> requestsByRoute) {

    /** Copies the map, sorted, so the sample cannot change and prints in a stable order. */
    public Sample {
        requestsByRoute = Collections.unmodifiableSortedMap(new TreeMap<>(requestsByRoute));
    }
}
