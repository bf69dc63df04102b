package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import network.butter.node.discover.DiscoveryConfig;
import org.junit.jupiter.api.Test;

/** How discovery is switched on and off on a real node, and its known-host list; nothing here multicasts. */
class DiscoveryNodeTest {

    @Test
    void shouldLeaveDiscoveryOffUnlessAsked() {
        assertThat(NodeConfig.builder().build().discovery()).isNull();
        assertThat(NodeConfig.builder().discovery(DiscoveryConfig.defaults()).discovery(null).build().discovery())
            .isNull();
    }

    @Test
    void shouldStartWithAnEmptyKnownHostList() {
        try (ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1")).start()) {
            assertThat(node.knownHosts().hosts()).isEmpty();
            assertThat(node.knownHosts().config().capacity()).isEqualTo(60);
        }
    }

    @Test
    void shouldKnowItsBootstrapPeerAndBeKnownBackWithoutDiscovery() {
        try (ButterNode first = Butter.node(cfg -> cfg.host("127.0.0.1")).start();
             ButterNode second = Butter.node(cfg -> cfg.host("127.0.0.1")
                 .bootstrap(first.address().hostPort())).start()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(second.knownHosts().hosts()).extracting(host -> host.address().id()).containsExactly(first.id());
                assertThat(first.knownHosts().hosts()).extracting(host -> host.address().id()).containsExactly(second.id());
            });
        }
    }

    @Test
    void shouldTellThatKnownHostsNeedAStartedNode() {
        ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1"));

        assertThatThrownBy(node::knownHosts).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("not started");
    }

    @Test
    void shouldFailToStartOnAMissingDiscoveryInterfaceLeavingNothingListening() throws IOException {
        int port = freeLoopbackPort();
        ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1").port(port)
            .discovery(DiscoveryConfig.defaults().withInterfaceName("butter-none0")));

        assertThatThrownBy(node::start).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("no network interface named 'butter-none0'");
        assertThat(node.started()).isFalse();
        try (ServerSocket reuse = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(reuse.getLocalPort()).as("the node's port is free again").isEqualTo(port);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
