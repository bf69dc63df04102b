package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessConfigTest {

    private static ProcessConfig withSpares(int spares) {
        return new ProcessConfig(List.of("java"), 1, 0.5, 64L << 20, Path.of("/tmp"), 1, "pcg-r3", spares, KillScope.PROCESS);
    }

    @Test
    void shouldKeepAsManySparesAsChurnKillsProcessesInTheCoveredSeconds() {
        assertThat(ProcessConfig.sparesFor(50, 1, 1 / 50.0, 10)).as("one kill a second for 10 s").isEqualTo(10);
        assertThat(ProcessConfig.sparesFor(6, 1, 1 / 20.0, 10)).as("3.0000000000000004 kills").isEqualTo(3);
    }

    @Test
    void shouldCountAProcessOfManyNodesAsKilledWhenAnyOfItsNodesDies() {
        // 20 processes of 50 nodes, each node 1/25,000 a second: a process dies at 0.2 % a second, 0.04 a second in all
        assertThat(ProcessConfig.sparesFor(1_000, 50, 1 / 25_000.0, 100)).isEqualTo(4);
    }

    @Test
    void shouldKeepAtLeastOneSpareAndAtMostTheCap() {
        assertThat(ProcessConfig.sparesFor(50, 1, 0, 10)).isEqualTo(1);
        assertThat(ProcessConfig.sparesFor(2_000, 1, 1 / 50.0, 10)).isEqualTo(ProcessConfig.MAX_SPARE_PROCESSES);
    }

    @Test
    void shouldRefuseSpareCountsOutsideTheirRange() {
        assertThatThrownBy(() -> withSpares(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("spare processes must be 1..64, got 0");
        assertThatThrownBy(() -> withSpares(65)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("got 65");
        assertThat(withSpares(64).spareProcesses()).isEqualTo(64);
    }
}
