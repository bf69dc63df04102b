package network.butter.node;

import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import network.butter.api.Reply;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real nodes, the whole stack: a request to a relayed address reaches its peer through a circuit, with TLS
 * between the two peers inside it, and the answer comes back the same way.
 */
class RelayedNodesIntegrationTest {

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldAnswerARequestThroughARelayBetweenThreeRealNodes() throws Exception {
        ButterNode relay = nodes.start();
        ButterNode bob = nodes.start().handle("ohce/reverse", req -> Reply.text(new StringBuilder(req.text()).reverse().toString()));
        ButterNode alice = nodes.start();
        onWider(relay, wider -> {
            wider.serveRelay(new AllowingGate());
            return null;
        });
        onWider(bob, wider -> {
            wider.acceptCircuitsVia(relay.id(), true);
            return null;
        });
        resultOf(bob.connect(relay.address().hostPort()));
        PeerAddress bobViaRelay = PeerAddress.relayed(bob.id(), relay.address());

        Reply reply = resultOf(alice.request(bobViaRelay, "ohce/reverse", "through the relay"));

        assertThat(reply.text()).isEqualTo("yaler eht hguorht");
        Optional<PathKind> path = onWider(alice, wider -> wider.path(bob.id()));
        Optional<HostPort> observed = onWider(alice, wider -> wider.observedAddress(bob.id()));
        assertThat(path).contains(PathKind.RELAYED);
        assertThat(observed).as("no direct connection").isEmpty();
    }

    /** Runs {@code action} on the node's loop with its wider transport, through a protocol installed for it. */
    private static <T> T onWider(ButterNode node, Function<WiderTransport, T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        node.install(new Protocol() {
            @Override
            public String name() {
                return "test-wider";
            }

            @Override
            public void start(ProtocolContext context) {
                Optional<WiderTransport> wider = context.wider();
                context.loop().execute(() -> result.complete(action.apply(wider.orElseThrow())));
            }
        });
        return resultOf(result);
    }

    /** A relay policy that allows every circuit with generous limits. */
    private static final class AllowingGate implements RelayGate {
        @Override
        public Decision openCircuit(PeerId from, String fromHost, PeerId target) {
            return new Allowed(16L * 1024 * 1024, 60_000);
        }

        @Override
        public void circuitClosed(PeerId from, PeerId target, long bytes, long durationMs) {
        }
    }
}
