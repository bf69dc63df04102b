package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The running class counts of a known-host list agree with a recount after any sequence of changes. */
class ClassCountsTest {

    private static HostClass classOf(int subnet) {
        return new HostClass("10.0." + subnet + ".0/24", 0, 0);
    }

    @Test
    void shouldAgreeWithARecountAfterRandomAdmissionsAndEvictions() {
        long seed = 13;
        SplittableRandom random = new SplittableRandom(seed);
        ClassCounts counts = new ClassCounts();
        List<ClassCounts.Tally> listed = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            if (listed.isEmpty() || listed.size() < 64 && random.nextBoolean()) {
                HostClass added = classOf(random.nextInt(6));
                ClassCounts.Tally tally = counts.add(added);
                assertThat(tally.hostClass()).isEqualTo(added);
                listed.add(tally);
            } else {
                counts.remove(listed.remove(random.nextInt(listed.size())));
            }
            Map<HostClass, Integer> recount = new HashMap<>();
            listed.forEach(tally -> recount.merge(tally.hostClass(), 1, Integer::sum));
            int crowded = recount.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            assertThat(counts.mostCrowded()).as("seed %d step %d", seed, step).isEqualTo(crowded);
            for (int subnet = 0; subnet < 6; subnet++) {
                assertThat(counts.count(classOf(subnet))).as("seed %d step %d", seed, step)
                    .isEqualTo(recount.getOrDefault(classOf(subnet), 0));
            }
            for (ClassCounts.Tally tally : listed) {
                assertThat(tally.hosts()).as("seed %d step %d", seed, step).isEqualTo(recount.get(tally.hostClass()));
            }
        }
    }

    @Test
    void shouldRefuseToUncountATallyNoLongerCounting() {
        ClassCounts counts = new ClassCounts();
        ClassCounts.Tally gone = counts.add(classOf(2));
        counts.add(classOf(1));
        counts.remove(gone);

        assertThatThrownBy(() -> counts.remove(gone)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("10.0.2.0/24");
        assertThat(counts.mostCrowded()).isEqualTo(1);
    }
}
