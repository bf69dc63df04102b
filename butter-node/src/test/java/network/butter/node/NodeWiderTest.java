package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import network.butter.api.Limits;
import network.butter.identity.PeerAddress;
import network.butter.wider.AmbassadorMode;
import network.butter.wider.Reachability;
import network.butter.wider.Wider;
import network.butter.wider.WiderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a real node runs the wider layer: on by default, off on loopback unless asked for, with the roles the operator
 * chose; and what it learns goes first in the addresses the node gives out.
 */
class NodeWiderTest {

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldRunTheWiderLayerByDefaultWithAutomaticAmbassadorAndRelays() {
        WiderConfig wider = NodeConfig.builder().build().wider();

        assertThat(wider).isNotNull();
        assertThat(wider.ambassador()).isEqualTo(AmbassadorMode.AUTO);
        assertThat(wider.relay()).isTrue();
    }

    @Test
    void shouldTakeTheOperatorsAmbassadorAndRelayChoices() {
        WiderConfig wider = NodeConfig.builder().ambassador(AmbassadorMode.OFF).relay(false).build().wider();

        assertThat(wider.ambassador()).isEqualTo(AmbassadorMode.OFF);
        assertThat(wider.relay()).isFalse();
        assertThat(NodeConfig.builder().wider(false).build().wider()).isNull();
    }

    @Test
    void shouldLeaveTheWiderLayerOffOnLoopbackUnlessAskedFor() {
        assertThat(NodeConfig.builder().host("127.0.0.1").build().wider()).isNull();
        assertThat(nodes.start().wider()).isEmpty();
        assertThat(nodes.start(cfg -> cfg.wider(true)).wider()).isPresent();
    }

    @Test
    void shouldListTheDialledBackAddressBeforeAConfiguredOneNobodyCanDial() {
        WiderConfig fast = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 64)
            .withCheckIntervals(200, 2_000).withDialbackLimits(0, 100, 16);
        List<ButterNode> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<ButterNode> earlier = List.copyOf(peers);
            peers.add(nodes.start(cfg -> {
                cfg.wider(fast);
                earlier.forEach(peer -> cfg.bootstrap(peer.address().hostPort()));
            }));
        }
        // Nothing listens on 127.0.0.2: only the address its peers see it at, dialled back, works.
        ButterNode misconfigured = nodes.start(cfg -> {
            cfg.wider(fast).advertisedHost("127.0.0.2");
            peers.forEach(peer -> cfg.bootstrap(peer.address().hostPort()));
        });
        Wider wider = misconfigured.wider().orElseThrow();
        int port = misconfigured.address().port();

        await().atMost(LocalNodes.WAIT).until(() -> wider.state().reachability() == Reachability.PUBLIC);

        PeerAddress dialledBack = new PeerAddress(misconfigured.id(), "127.0.0.1", port);
        assertThat(wider.state().describe()).isEqualTo("public 127.0.0.1:" + port);
        assertThat(misconfigured.addresses()).containsExactly(dialledBack,
            new PeerAddress(misconfigured.id(), "127.0.0.2", port));
    }
}
