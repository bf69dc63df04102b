package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.identity.HostPort;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.node.transport.WiderNodes.Node;
import network.butter.node.transport.WiderNodes.Received;
import network.butter.wire.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hole punching on loopback: both peers dial each other from their listening ports at an agreed moment. Without NATs
 * one dial usually reaches the other's listener first, so each test fixes which side dials first: the TLS roles
 * must come out the same (the lower id is the client) whichever socket wins. Both punches are registered well before
 * the first dial, as the coordination over the relay ensures in real use.
 */
class NettyPunchTest {

    @RegisterExtension
    final WiderNodes nodes = new WiderNodes();

    @Test
    void shouldPunchADirectConnectionBothSidesPreferWhenTheLowerIdDialsFirst() throws Exception {
        Pair pair = relayedPair();

        punchBoth(pair.lower(), pair.higher(), 200, 500);

        assertPunched(pair);
    }

    @Test
    void shouldPunchADirectConnectionBothSidesPreferWhenTheHigherIdDialsFirst() throws Exception {
        Pair pair = relayedPair();

        punchBoth(pair.lower(), pair.higher(), 500, 200);

        assertPunched(pair);
    }

    @Test
    void shouldPunchADirectConnectionWhenBothDialAtOnce() throws Exception {
        Pair pair = relayedPair();

        punchBoth(pair.lower(), pair.higher(), 200, 200);

        assertPunched(pair);
    }

    @Test
    void shouldLetTheRelayStepBackOnceThePunchedConnectionHasTakenOver() throws Exception {
        Pair pair = relayedPair();
        punchBoth(pair.lower(), pair.higher(), 200, 200);
        assertPunched(pair);

        await().atMost(WiderNodes.WAIT).untilAsserted(() -> assertThat(pair.gate().closed).hasSize(1));

        assertAnswered(pair.lower(), pair.lower().request(pair.higherViaRelay(pair.lower()), new byte[] {4}));
        assertThat(pair.lower().onLoop(() -> pair.lower().transport.path(pair.higher().id()))).contains(PathKind.PUNCHED);
        assertThat(pair.lower().failures).isEmpty();
        assertThat(pair.higher().failures).isEmpty();
    }

    @Test
    void shouldFailAPunchToADeadCandidateWithinTheConnectTimeoutAndKeepTheRelay() throws Exception {
        Pair pair = relayedPair();
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Node lower = pair.lower();
        long startNanos = System.nanoTime();

        CompletableFuture<Void> punch = lower.onLoop(() -> lower.transport.punch(pair.higher().id(),
            List.of(new HostPort("127.0.0.1", deadPort)), 0));

        assertThatThrownBy(() -> punch.get(WiderNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("no punched connection");
        assertThat((System.nanoTime() - startNanos) / 1_000_000).isLessThan(NettyTransport.CONNECT_TIMEOUT_MS + 2_000L);
        assertThat(lower.onLoop(() -> lower.transport.path(pair.higher().id()))).contains(PathKind.RELAYED);
        assertAnswered(lower, lower.request(pair.higherViaRelay(lower), new byte[] {3}));
        assertThat(lower.failures).isEmpty();
    }

    private static void punchBoth(Node lower, Node higher, long lowerDelayMs, long higherDelayMs) throws Exception {
        List<HostPort> toHigher = List.of(higher.address().hostPort());
        List<HostPort> toLower = List.of(lower.address().hostPort());
        CompletableFuture<Void> fromLower = lower.onLoop(() -> lower.transport.punch(higher.id(), toHigher, lowerDelayMs));
        CompletableFuture<Void> fromHigher = higher.onLoop(() -> higher.transport.punch(lower.id(), toLower, higherDelayMs));
        CompletableFuture.allOf(fromLower, fromHigher).get(WiderNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void assertPunched(Pair pair) throws InterruptedException {
        Node lower = pair.lower();
        Node higher = pair.higher();
        assertThat(lower.onLoop(() -> lower.transport.path(higher.id()))).contains(PathKind.PUNCHED);
        assertThat(higher.onLoop(() -> higher.transport.path(lower.id()))).contains(PathKind.PUNCHED);
        assertAnswered(lower, lower.request(pair.higherViaRelay(lower), new byte[] {1}));
        assertAnswered(higher, higher.request(pair.lowerViaRelay(higher), new byte[] {2}));
        assertThat(lower.failures).isEmpty();
        assertThat(higher.failures).isEmpty();
    }

    /**
     * Two peers that each accept circuits through a relay and have talked through it once, so each holds a circuit
     * to the other: the state hole punching starts from.
     */
    private Pair relayedPair() throws Exception {
        Node relay = nodes.start();
        NodeIdentity first = WiderNodes.identity();
        NodeIdentity second = WiderNodes.identity();
        boolean firstIsLower = first.peerId().compareTo(second.peerId()) < 0;
        Node lower = nodes.start(firstIsLower ? first : second);
        Node higher = nodes.start(firstIsLower ? second : first);
        RecordingGate gate = RecordingGate.allowingAll();
        relay.run(() -> relay.transport.serveRelay(gate));
        for (Node node : List.of(lower, higher)) {
            node.run(() -> node.transport.acceptCircuitsVia(relay.id(), true));
            assertAnswered(node, node.request(relay.address(), new byte[] {0}));
        }
        Pair pair = new Pair(relay, lower, higher, gate);
        assertAnswered(lower, lower.request(pair.higherViaRelay(lower), new byte[] {0}));
        assertThat(lower.onLoop(() -> lower.transport.path(higher.id()))).contains(PathKind.RELAYED);
        assertThat(higher.onLoop(() -> higher.transport.path(lower.id()))).contains(PathKind.RELAYED);
        return pair;
    }

    private record Pair(Node relay, Node lower, Node higher, RecordingGate gate) {
        PeerAddress higherViaRelay(Node from) {
            return PeerAddress.relayed(higher.id(), relay.address());
        }

        PeerAddress lowerViaRelay(Node from) {
            return PeerAddress.relayed(lower.id(), relay.address());
        }
    }

    private static void assertAnswered(Node requester, int id) throws InterruptedException {
        Received answer = requester.answerTo(id);
        assertThat(answer).as("answer to request " + id).isNotNull();
        assertThat(answer.frame()).isInstanceOf(Frame.Response.class);
    }
}
