package network.butter.testbed;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import network.butter.api.RouteTraffic;

/**
 * The traffic of one phase of a run (e.g. {@code churn}) per node per second, in total and per protocol: the
 * figure that says what upkeep costs a node while the network churns (or, in a run with {@code chanceToDie} 0,
 * while it is idle), undiluted by the joins before it and the reads after it.
 *
 * @param phase       the phase measured
 * @param nodeSeconds live nodes integrated over the phase's cluster time
 * @param total       every request and answer of every route in the phase, by all nodes
 * @param byProtocol  the same per protocol ({@link RouteTraffic#protocolOf}); sorted
 */
public record PhaseTraffic(String phase, double nodeSeconds, RouteTraffic total, SortedMap<String, RouteTraffic> byProtocol) {

    /** Copies the map, sorted. */
    public PhaseTraffic {
        byProtocol = Collections.unmodifiableSortedMap(new TreeMap<>(byProtocol));
    }

    /**
     * The traffic between the last sample before {@code phase} and its last sample; empty traffic over no
     * node-seconds if the run has no sample in that phase.
     */
    public static PhaseTraffic of(List<Sample> samples, String phase) {
        int first = -1;
        int last = -1;
        for (int index = 0; index < samples.size(); index++) {
            if (samples.get(index).phase().equals(phase)) {
                first = first < 0 ? index : first;
                last = index;
            }
        }
        if (first < 0) {
            return new PhaseTraffic(phase, 0, RouteTraffic.NONE, new TreeMap<>());
        }
        int start = Math.max(0, first - 1);
        double nodeSeconds = 0;
        for (int index = start + 1; index <= last; index++) {
            nodeSeconds += samples.get(index).alive() * (samples.get(index).timeMs() - samples.get(index - 1).timeMs()) / 1000.0;
        }
        SortedMap<String, RouteTraffic> before = first == 0 ? new TreeMap<>() : samples.get(start).trafficByProtocol();
        SortedMap<String, RouteTraffic> byProtocol = new TreeMap<>();
        RouteTraffic total = RouteTraffic.NONE;
        for (Map.Entry<String, RouteTraffic> entry : samples.get(last).trafficByProtocol().entrySet()) {
            RouteTraffic earlier = before.getOrDefault(entry.getKey(), RouteTraffic.NONE);
            RouteTraffic now = entry.getValue();
            RouteTraffic delta = new RouteTraffic(now.requests() - earlier.requests(), now.replies() - earlier.replies(),
                now.requestBytes() - earlier.requestBytes(), now.replyBytes() - earlier.replyBytes());
            byProtocol.put(entry.getKey(), delta);
            total = total.plus(delta);
        }
        return new PhaseTraffic(phase, nodeSeconds, total, byProtocol);
    }

    /** Messages (requests and answers) per node per second of {@code traffic} over this phase; 0 if it had no time. */
    public double messagesPerNodeSecond(RouteTraffic traffic) {
        return nodeSeconds == 0 ? 0 : traffic.messages() / nodeSeconds;
    }

    /** Bytes per node per second of {@code traffic} over this phase; 0 if it had no time. */
    public double bytesPerNodeSecond(RouteTraffic traffic) {
        return nodeSeconds == 0 ? 0 : traffic.bytes() / nodeSeconds;
    }

    /**
     * The summary's words, e.g. {@code churn:msgs/node/s=45.02 churn:bytes/node/s=10727
     * churn:byProtocol=butter/hosts:25.76/1805,butter/pcg:2.36/811} (messages/bytes per node per second).
     */
    public String summaryWords() {
        StringBuilder words = new StringBuilder(String.format(Locale.ROOT, "%s:msgs/node/s=%.2f %s:bytes/node/s=%.0f %s:byProtocol=",
            phase, messagesPerNodeSecond(total), phase, bytesPerNodeSecond(total), phase));
        String separator = "";
        for (Map.Entry<String, RouteTraffic> entry : byProtocol.entrySet()) {
            words.append(separator).append(String.format(Locale.ROOT, "%s:%.2f/%.0f", entry.getKey(),
                messagesPerNodeSecond(entry.getValue()), bytesPerNodeSecond(entry.getValue())));
            separator = ",";
        }
        return words.toString();
    }
}
