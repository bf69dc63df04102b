package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When a node asks its router for a port mapping. Tests never let a node ask for real: that would talk to this
 * machine's own router; the lab tests (butter-cli) ask a miniupnpd in a network namespace.
 */
class NodePortMappingTest {

    @Test
    void shouldAskForAPortMappingByDefault() {
        assertThat(NodeConfig.builder().build().portMapping()).isNotNull();
    }

    @Test
    void shouldNotAskTheRouterWhenListeningOnLoopback() {
        try (ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1")).start()) {
            assertThat(node.portMapper()).isEmpty();
        }
    }

    @Test
    void shouldNotAskTheRouterWhenConfiguredOff() {
        NodeConfig off = NodeConfig.builder().host("127.0.0.1").portMapping(false).build();

        assertThat(off.portMapping()).isNull();
    }
}
