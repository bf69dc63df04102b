package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MachineBudgetTest {

    private static final long GIB = 1L << 30;

    /** This machine: 23 GiB available, 20,000 descriptors per process (hard limit), 2 cores. */
    private final MachineBudget here = new MachineBudget(23 * GIB, 20_000, 2);

    @Test
    void shouldPlanOneProcessPerNodeGroupAndASpare() {
        MachineBudget.Needs needs = MachineBudget.needs(1_001, 50, 1);

        assertThat(needs.processes()).isEqualTo(22);
        assertThat(needs.memoryBytes()).isEqualTo(22L * (40 + 6 * 50 + 70) << 20);
        assertThat(needs.descriptorsPerProcess()).isEqualTo(64 + 120 * 50);
    }

    @Test
    void shouldPlanTheMemoryOfEverySpareProcess() {
        MachineBudget.Needs needs = MachineBudget.needs(51, 1, 10);

        assertThat(needs.processes()).isEqualTo(61);
        assertThat(needs.memoryBytes()).isEqualTo(61L * (40 + 6 + 70) << 20);
    }

    @Test
    void shouldHoldAThousandNodesInFiftyNodeProcessesOnThisMachine() {
        assertThat(here.check(1_001, 50, 1).processes()).isEqualTo(22);
    }

    @Test
    void shouldRefuseMoreSingleNodeProcessesThanTheMemoryHoldsAndSayTheNumbers() {
        assertThatThrownBy(() -> here.check(1_001, 1, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("1001 nodes in 1002 processes need 113.5 GiB of memory")
            .hasMessageContaining("this machine has 23.0 GiB of memory available")
            .hasMessageContaining("--nodes-per-process");
    }

    @Test
    void shouldRefuseMoreNodesPerProcessThanItsDescriptorsHold() {
        assertThatThrownBy(() -> here.check(500, 250, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("30064 file descriptors per process")
            .hasMessageContaining("20000 file descriptors per process");
    }

    @Test
    void shouldRefuseMoreNodesThanTheCoresKeepOnTime() {
        assertThatThrownBy(() -> new MachineBudget(1_000 * GIB, 1_000_000, 2).check(1_500, 50, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at most 600 nodes per core");
    }

    @Test
    void shouldReadThisMachinesBudget() {
        MachineBudget budget = MachineBudget.ofThisMachine();

        assertThat(budget.availableMemoryBytes()).isPositive();
        assertThat(budget.fileDescriptorLimit()).isPositive();
        assertThat(budget.cores()).isPositive();
    }
}
