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
    void shouldPlanTheWholeRunForBothSystemsEveryConcurrencyAndRound() {
        BenchOptions options = new BenchOptions(3_000, 10_000, 2, 64, List.of(1, 64), 2, false);

        assertThat(options.plannedSeconds()).isEqualTo(2 * 2 * 2 * 13);
    }
}
