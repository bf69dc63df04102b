package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import network.butter.api.Limits;
import network.butter.hosts.KnownHostsConfig;
import org.junit.jupiter.api.Test;

/** The limits real and process runs give their nodes. */
class RealClusterLimitsTest {

    @Test
    void shouldKeepConnectionsOpenLongerThanTheLongestKnownHostPollSoPollsNeverPayAHandshake() {
        Limits limits = RealCluster.testbedLimits(1_000);
        KnownHostsConfig hosts = RealCluster.testbedKnownHosts(limits);

        assertThat(limits.idleTimeout().toMillis()).isGreaterThan(hosts.maxPollIntervalMs() + hosts.pollTimeoutMs());
    }
}
