package network.butter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's background load: started as asked, and gone, with every child, once closed. */
class BusyBackgroundTest {

    @Test
    void shouldRunOneLoopPerCpuAskedAndLeaveNothingRunningWhenClosed() {
        List<ProcessHandle> started;
        try (BusyBackground busy = BusyBackground.start(2, 60)) {
            assertThat(busy.count()).isEqualTo(2);
            started = ProcessHandle.current().children().toList();
            assertThat(started).hasSizeGreaterThanOrEqualTo(2).allSatisfy(loop -> assertThat(loop.isAlive()).isTrue());
            started = started.stream().flatMap(loop -> java.util.stream.Stream.concat(java.util.stream.Stream.of(loop),
                loop.descendants())).toList();
        }
        assertThat(started).noneSatisfy(loop -> assertThat(loop.isAlive()).isTrue());
    }

    @Test
    void shouldStartNothingForZeroCpus() {
        try (BusyBackground busy = BusyBackground.start(0, 60)) {
            assertThat(busy.count()).isZero();
        }
    }

    @Test
    void shouldPlanTheWholeRunForBothSystemsEveryConcurrencyAndPair() {
        BenchOptions options = new BenchOptions(3_000, 1_000, 15, 64, List.of(1, 64), 2, false, false);

        // per concurrency: two warm-ups of 3 s, then 15 pairs of two trials of 1 s, each after 0.2 s of settling
        assertThat(options.plannedSeconds()).isEqualTo(2 * (2 * 3 + 15 * 2 * 6 / 5));
    }
}
