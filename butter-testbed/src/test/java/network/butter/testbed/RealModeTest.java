package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import network.butter.sim.SimulationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The churn scenario on real nodes over loopback: a tiny configuration, a few seconds of wall time. */
class RealModeTest {

    @RegisterExtension
    final SimulationExtension seeds = new SimulationExtension();

    private ChurnConfig.Builder tiny() {
        return ChurnConfig.builder()
            .mode(Mode.REAL)
            .nodes(5)
            .items(4)
            .itemBytes(512)
            .grace(Duration.ZERO)
            .form(Duration.ofSeconds(1))
            .churn(Duration.ofSeconds(1))
            .settle(Duration.ofSeconds(1))
            .bootstrapPeers(3)
            .seed(seeds.seed());
    }

    @Test
    void shouldRunEndToEndOnLoopbackAndWriteTheTimeSeriesAndChart(@TempDir Path out) throws IOException {
        ChurnResult result = Testbed.runChurn(tiny().chanceToDie(0).build(), phase -> { });
        TestbedReport.Outputs files = TestbedReport.write(result, out);

        assertThat(result.retrieved()).isEqualTo(4);
        assertThat(result.summaryLine()).startsWith("SUMMARY testbed mode=real").contains("retrieved=4/4 (100.0%)")
            .doesNotContain("trace=");
        assertThat(result.traceHash()).isEmpty();
        assertThat(result.samples()).extracting(Sample::phase).containsSubsequence("spawn", "form", "store", "churn",
            "settle", "retrieve");
        List<String> csv = Files.readAllLines(files.csv());
        assertThat(csv.getFirst()).startsWith("t_s,phase,alive,deaths,availability,requests_sent,replies_sent")
            .contains("requests:testbed/hello", "requests:testbed/get");
        assertThat(csv).hasSize(1 + result.samples().size());
        assertThat(Files.readAllBytes(files.chart())).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void shouldLoseTheItemsOfRealNodesThatDied() {
        ChurnResult result = Testbed.runChurn(tiny().chanceToDie(1).build(), phase -> { });

        assertThat(result.deaths()).isEqualTo(5);
        assertThat(result.retrieved()).isZero();
        assertThat(result.samples().getLast().availability()).isZero();
    }
}
