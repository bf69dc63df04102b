package network.butter.hosts;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How many listed hosts fall in each {@link HostClass}, and how many hosts the most crowded class has, kept up to
 * date as hosts come, change class and go: a candidate to a full list is weighed against these for every poll
 * answer, and recounting the list each time was a fifth of a forming network's CPU. Used on the node loop only.
 */
final class ClassCounts {

    private final Map<HostClass, Integer> counts = new HashMap<>();
    /** {@code classesOfSize[k]}: how many classes have exactly {@code k} hosts (index 0 unused). */
    private int[] classesOfSize = new int[8];
    private int mostCrowded;

    /** Counts one more host of {@code hostClass}. */
    void add(HostClass hostClass) {
        int size = counts.merge(hostClass, 1, Integer::sum);
        if (size >= classesOfSize.length) {
            classesOfSize = Arrays.copyOf(classesOfSize, 2 * size);
        }
        if (size > 1) {
            classesOfSize[size - 1]--;
        }
        classesOfSize[size]++;
        mostCrowded = Math.max(mostCrowded, size);
    }

    /** Counts one host of {@code hostClass} less; it must have been added. */
    void remove(HostClass hostClass) {
        Integer before = counts.get(hostClass);
        if (before == null) {
            throw new IllegalStateException("no host of class " + hostClass + " was counted");
        }
        int size = before;
        if (size == 1) {
            counts.remove(hostClass);
        } else {
            counts.put(hostClass, size - 1);
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
        return counts.getOrDefault(hostClass, 0);
    }

    /** The hosts of the most crowded class, 0 when none is counted. */
    int mostCrowded() {
        return mostCrowded;
    }
}
