package network.butter.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import network.butter.api.Node;
import network.butter.identity.PeerId;
import network.butter.sim.SimulationExtension;
import network.butter.testbed.ChurnConfig;
import network.butter.testbed.ChurnResult;
import network.butter.testbed.Mode;
import network.butter.testbed.Sample;
import network.butter.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Peer Content Groups in the testbed's churn scenario, against the local-only baseline on the same runs. */
class PcgStorageSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private ChurnConfig churn() {
        return ChurnConfig.builder().mode(Mode.SIM).nodes(60).items(20).itemBytes(512).chanceToDie(0.05)
            .grace(Duration.ofSeconds(2)).form(Duration.ofSeconds(3)).churn(Duration.ofSeconds(20))
            .settle(Duration.ofSeconds(5)).seed(sims.seed()).build();
    }

    @Test
    void shouldKeepEveryItemThroughChurnThatLosesMostUnreplicatedOnes() {
        ChurnResult pcg = Testbed.runChurn(churn(), new PcgStorage(), phase -> { });
        ChurnResult baseline = Testbed.runChurn(churn(), new LocalOnlyStorage(), phase -> { });

        assertThat(pcg.deaths()).as("the same churn").isEqualTo(baseline.deaths()).isPositive();
        assertThat(pcg.retrieved()).as(pcg.summaryLine()).isEqualTo(20);
        assertThat(baseline.retrieved()).as(baseline.summaryLine()).isLessThan(20);
        assertThat(pcg.maintenanceRequests()).isPositive();
        assertThat(pcg.summaryLine()).contains("protocol=pcg-r3", "maintenance=");
    }

    @Test
    void shouldChartTheSameAvailabilityAsCountingEachKeysHoldersAmongTheLive() {
        PcgStorage storage = new PcgStorage();
        DataProtocol perKey = new DataProtocol() {
            @Override
            public String name() {
                return storage.name();
            }

            @Override
            public DataPeer install(Node node) {
                return storage.install(node);
            }

            @Override
            public Set<PeerId> holders(ItemKey key) {
                return storage.holders(key);
            }
        };
        ChurnResult fast = Testbed.runChurn(churn(), new PcgStorage(), phase -> { });
        ChurnResult slow = Testbed.runChurn(churn(), perKey, phase -> { });

        assertThat(fast.traceHash()).as("seed " + sims.seed()).isEqualTo(slow.traceHash());
        assertThat(fast.samples()).extracting(Sample::availability)
            .as("seed " + sims.seed()).containsExactlyElementsOf(slow.samples().stream().map(Sample::availability).toList());
        assertThat(fast.samples()).extracting(Sample::availability).contains(1.0);
    }

    @Test
    void shouldRepeatARunExactlyFromItsSeed() {
        ChurnResult first = Testbed.runChurn(churn(), new PcgStorage(), phase -> { });
        ChurnResult second = Testbed.runChurn(churn(), new PcgStorage(), phase -> { });

        assertThat(second.traceHash()).isEqualTo(first.traceHash()).isPresent();
        assertThat(second.summaryLine().replaceAll(" wall=\\S+", ""))
            .isEqualTo(first.summaryLine().replaceAll(" wall=\\S+", ""));
    }
}
