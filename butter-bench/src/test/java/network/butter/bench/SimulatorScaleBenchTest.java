package network.butter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorScaleBenchTest {

    private static SimulatorScaleBench.Result runSmall(long seed) {
        SimulatorScaleBench bench = new SimulatorScaleBench();
        new CommandLine(bench).parseArgs("--nodes", "50", "--virtual-seconds", "3", "--seed", Long.toString(seed));
        return bench.run(50);
    }

    @Test
    void shouldRunBackgroundTrafficAndRepeatItFromTheSeed() {
        SimulatorScaleBench.Result first = runSmall(7);
        SimulatorScaleBench.Result second = runSmall(7);
        // 50 nodes calling once per virtual second for 3 s: about 150 requests, each a request and a reply.
        assertThat(first.delivered()).isBetween(200L, 300L);
        assertThat(first.events()).isGreaterThan(first.delivered());
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(runSmall(8).traceHash()).isNotEqualTo(first.traceHash());
    }
}
