package network.butter.hosts;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How many listed hosts fall in each {@link HostClass}, and how many hosts the most crowded class has, kept up to
 * date as hosts come, change class and go: a candidate to a full list is weighed against these for every poll
 * answer, and recounting the list each time was a fifth of a forming network's CPU. Each class's count is a
 * {@link Tally} that the list keeps beside each of its hosts, so a scan for the hosts of the most crowded class reads
 * a field per host instead of hashing its class. Used on the node loop only.
 */
final class ClassCounts {

    /** One class and how many listed hosts it has now; dropped from the counts when that reaches zero. */
    static final class Tally {
        private final HostClass hostClass;
        private int hosts;

        private Tally(HostClass hostClass) {
            this.hostClass = hostClass;
        }

        /** The class counted. */
        HostClass hostClass() {
            return hostClass;
        }

        /** How many listed hosts the class has now. */
        int hosts() {
            return hosts;
        }
    }

    private final Map<HostClass, Tally> tallies = new HashMap<>();
    /** {@code classesOfSize[k]}: how many classes have exactly {@code k} hosts (index 0 unused). */
    private int[] classesOfSize = new int[8];
    private int mostCrowded;

    /** Counts one more host of {@code hostClass}; returns its class's tally, to keep beside the host. */
    Tally add(HostClass hostClass) {
        Tally tally = tallies.computeIfAbsent(hostClass, Tally::new);
        int size = ++tally.hosts;
        if (size >= classesOfSize.length) {
            classesOfSize = Arrays.copyOf(classesOfSize, 2 * size);
        }
        if (size > 1) {
            classesOfSize[size - 1]--;
        }
        classesOfSize[size]++;
        mostCrowded = Math.max(mostCrowded, size);
        return tally;
    }

    /** Counts one host of {@code tally}'s class less; the tally must be one {@link #add} returned, still counting. */
    void remove(Tally tally) {
        if (tally.hosts <= 0 || tallies.get(tally.hostClass) != tally) {
            throw new IllegalStateException("no host of class " + tally.hostClass + " is counted by this tally");
        }
        int size = tally.hosts--;
        if (size == 1) {
            tallies.remove(tally.hostClass);
        }
        classesOfSize[size]--;
        if (size > 1) {
            classesOfSize[size - 1]++;
        }
        while (mostCrowded > 0 && classesOfSize[mostCrowded] == 0) {
            mostCrowded--;
        }
    }

    /** The hosts of {@code hostClass} counted now. */
    int count(HostClass hostClass) {
        Tally tally = tallies.get(hostClass);
        return tally == null ? 0 : tally.hosts;
    }

    /** The hosts of the most crowded class, 0 when none is counted. */
    int mostCrowded() {
        return mostCrowded;
    }
}
