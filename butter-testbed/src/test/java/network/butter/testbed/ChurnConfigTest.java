package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChurnConfigTest {

    @Test
    void shouldDefaultToTheOriginalExperiment() {
        ChurnConfig config = ChurnConfig.builder().build();

        assertThat(config.mode()).isEqualTo(Mode.SIM);
        assertThat(config.nodes()).isEqualTo(250);
        assertThat(config.items()).isEqualTo(100);
        assertThat(config.chanceToDie()).isEqualTo(0.02);
        assertThat(config.churn()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void shouldCapRealRunsTighterThanSimulatedOnes() {
        assertThat(ChurnConfig.builder().nodes(10_000).build().nodes()).isEqualTo(10_000);

        assertThatThrownBy(() -> ChurnConfig.builder().mode(Mode.REAL).nodes(1_000).build())
            .hasMessage("nodes must be 2..300 in real mode, got 1000");
        assertThatThrownBy(() -> ChurnConfig.builder().mode(Mode.REAL).churn(Duration.ofMinutes(10)).build())
            .hasMessage("churn must be whole seconds from 0s to 300s in real mode, got 600000ms");
    }

    @Test
    void shouldAcceptFaultPhasesInSimulationOnly() {
        assertThat(ChurnConfig.builder().partitionGroups(2).lossProbability(0.1).build().partitionGroups()).isEqualTo(2);

        assertThatThrownBy(() -> ChurnConfig.builder().mode(Mode.REAL).partitionGroups(2).build())
            .hasMessageContaining("need the simulator");
        assertThatThrownBy(() -> ChurnConfig.builder().mode(Mode.REAL).lossProbability(0.1).build())
            .hasMessageContaining("need the simulator");
    }

    @Test
    void shouldRejectValuesOutOfRange() {
        assertThatThrownBy(() -> ChurnConfig.builder().chanceToDie(1.5).build()).hasMessageContaining("chanceToDie");
        assertThatThrownBy(() -> ChurnConfig.builder().chanceToDie(Double.NaN).build()).hasMessageContaining("chanceToDie");
        assertThatThrownBy(() -> ChurnConfig.builder().nodes(1).build()).hasMessageContaining("nodes");
        assertThatThrownBy(() -> ChurnConfig.builder().items(0).build()).hasMessageContaining("items");
        assertThatThrownBy(() -> ChurnConfig.builder().itemBytes(1 << 20).build()).hasMessageContaining("itemBytes");
        assertThatThrownBy(() -> ChurnConfig.builder().settle(Duration.ofMillis(1500)).build())
            .hasMessageContaining("settle must be whole seconds");
        assertThatThrownBy(() -> ChurnConfig.builder().grace(Duration.ofSeconds(-1)).build()).hasMessageContaining("grace");
        assertThatThrownBy(() -> ChurnConfig.builder().partitionGroups(1).build()).hasMessageContaining("partition");
        assertThatThrownBy(() -> ChurnConfig.builder().lossProbability(1).build()).hasMessageContaining("loss");
        assertThatThrownBy(() -> ChurnConfig.builder().bootstrapPeers(0).build()).hasMessageContaining("bootstrapPeers");
        assertThatThrownBy(() -> ChurnConfig.builder().readWindow(0).build()).hasMessageContaining("read window");
        assertThatThrownBy(() -> ChurnConfig.builder().readWindow(ChurnConfig.MAX_READ_WINDOW + 1).build())
            .hasMessageContaining("read window");
    }

    @Test
    void shouldRefuseSilentDeathsInRealMode() {
        assertThat(ChurnConfig.builder().deaths(Deaths.MIXED).build().toBuilder().build().deaths()).isEqualTo(Deaths.MIXED);

        assertThatThrownBy(() -> ChurnConfig.builder().mode(Mode.REAL).deaths(Deaths.SILENT).build())
            .hasMessageContaining("silent deaths need the simulator");
    }

    @Test
    void shouldParseKindsOfDeathIgnoringCase() {
        assertThat(Deaths.parse("Silent")).isEqualTo(Deaths.SILENT);
        assertThat(Deaths.parse("mixed")).isEqualTo(Deaths.MIXED);
        assertThatThrownBy(() -> Deaths.parse("loud")).hasMessage("unknown kind of death 'loud': use crash, silent or mixed");
    }

    @Test
    void shouldParseModesIgnoringCase() {
        assertThat(Mode.parse("SIM")).isEqualTo(Mode.SIM);
        assertThat(Mode.parse("real")).isEqualTo(Mode.REAL);
        assertThatThrownBy(() -> Mode.parse("cloud")).hasMessage("unknown mode 'cloud': use sim, real or processes");
    }
}
