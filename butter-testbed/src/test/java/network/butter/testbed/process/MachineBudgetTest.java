package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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

    @Test
    void shouldEstimateTheCoresOfUpkeepAndOfTheReplacementsHandshakes() {
        MachineBudget.CpuNeeds needs = here.cpuNeeds(200, 0.02, 10.0);

        assertThat(needs.upkeepCores()).isCloseTo(200 / 600.0, within(1e-9));
        assertThat(needs.handshakeCores()).isCloseTo(4 * 14 * 10.0 / 1000, within(1e-9));
        assertThat(needs.fits()).isTrue();
        assertThat(needs.describe()).contains("at least 0.9 of this machine's 2 cores", "4.0 replacements a second")
            .doesNotContain("falls behind");
    }

    @Test
    void shouldWarnThatAThousandNodesAtOneInFiftyNeedMoreCoresThanTwo() {
        MachineBudget.CpuNeeds needs = here.cpuNeeds(1_000, 0.02, 8.0);

        assertThat(needs.fits()).isFalse();
        assertThat(needs.describe()).contains("20.0 replacements a second", "falls behind");
    }

    @Test
    void shouldMeasureAHandshakeBetweenTwoNodesTlsContextsInMemory() {
        double cpuMs = HandshakeCost.measureCpuMs(2);

        assertThat(cpuMs).isPositive().isLessThan(10_000);
        assertThatThrownBy(() -> HandshakeCost.measureCpuMs(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
