package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DueTimeTableTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    @Test
    void shouldAnswerLikeAHashMapThroughGrowthAndRemovalsInTheMiddleOfProbeRuns() {
        SplittableRandom random = new SplittableRandom(sims.seed());
        DueTimeTable<String> table = new DueTimeTable<>();
        Map<Long, String> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            long time = random.nextInt(3_000); // few distinct times: long probe runs, many removals inside them
            switch (random.nextInt(3)) {
                case 0 -> {
                    table.put(time, "v" + step);
                    reference.put(time, "v" + step);
                }
                case 1 -> {
                    table.remove(time);
                    reference.remove(time);
                }
                default -> assertThat(table.get(time)).as("time %d, seed %d", time, sims.seed())
                    .isEqualTo(reference.get(time));
            }
        }
        assertThat(table.size()).as("seed " + sims.seed()).isEqualTo(reference.size());
        for (long time = 0; time < 3_000; time++) {
            assertThat(table.get(time)).as("time %d, seed %d", time, sims.seed()).isEqualTo(reference.get(time));
        }
    }

    @Test
    void shouldRefuseANegativeDueTime() {
        assertThatThrownBy(() -> new DueTimeTable<String>().put(-1, "x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
