package network.butter.node;

import static network.butter.node.LocalNodes.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who gets a connection: garbage and half-open handshakes live in a small budget of their own and can never keep an
 * authenticated newcomer out; one source address gets only its share; a peer refused for a limit is told which, as an
 * {@link OverloadedException}; a new peer, or a dial of the node's own, takes the slot of an idle one; and a flood
 * of garbage costs one short DEBUG line per connection and a single WARN line.
 */
class ConnectionBudgetIntegrationTest {

    private static final String ECHO = "echo";
    private static final String SLOW = "slow";
    private static final long GARBAGE_SEED = 0x6A5BA6EL;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldServeANewPeerWhileStalledConnectionsFromManyAddressesFillTheHandshakeBudget() throws IOException {
        Limits limits = Limits.defaults();
        ButterNode server = nodes.start(cfg -> cfg.storage(false)).handle(ECHO, echo());
        List<Socket> stalled = new ArrayList<>();
        try {
            // More stalled connections than there are connection slots, spread so that no cap per address applies.
            int perAddress = limits.maxUnauthenticatedPerIp();
            for (int i = 0; stalled.size() < limits.maxConnections() + perAddress; i++) {
                for (int j = 0; j < perAddress; j++) {
                    stalled.add(rawSocket(server, "127.0.0." + (2 + i)));
                }
            }

            ButterNode newcomer = nodes.start(cfg -> cfg.storage(false));
            Reply reply = newcomer.requestBlocking(server.address(), ECHO, "newcomer".getBytes(StandardCharsets.UTF_8),
                WAIT);

            assertThat(reply.text()).isEqualTo("newcomer");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void shouldTellAPeerBeyondTheLimitPerAddressWhichLimitRefusedIt() {
        ButterNode server = nodes.start(cfg -> cfg.storage(false).limits(Limits.defaults().withMaxInboundPerIp(1)))
            .handle(ECHO, echo());
        ButterNode first = nodes.start(cfg -> cfg.storage(false));
        ButterNode second = nodes.start(cfg -> cfg.storage(false));
        assertThat(first.requestBlocking(server.address(), ECHO, "first".getBytes(StandardCharsets.UTF_8), WAIT).text())
            .isEqualTo("first");

        assertThatThrownBy(() -> second.requestBlocking(server.address(), ECHO, new byte[1], WAIT))
            .isInstanceOf(OverloadedException.class)
            .hasMessageContaining("refused the connection")
            .hasMessageContaining("1 connections from 127.0.0.1, its limit per address");
    }

    @Test
    void shouldRefuseAHandshakeBeyondTheLimitPerAddressAtOnceAndSayWhyItMayHaveBeenRefused() throws IOException {
        ButterNode server = nodes.start(cfg -> cfg.storage(false)
            .limits(Limits.defaults().withMaxUnauthenticatedPerIp(1))).handle(ECHO, echo());
        ButterNode peer = nodes.start(cfg -> cfg.storage(false));
        try (Socket stalled = rawSocket(server, "127.0.0.1")) {
            assertThatThrownBy(() -> peer.requestBlocking(server.address(), ECHO, new byte[1], WAIT))
                .isInstanceOf(network.butter.api.PeerUnreachableException.class)
                .hasMessageContaining("it closed the connection during the TLS handshake")
                .hasMessageContaining("at its limit of connections in handshake from this address");
        }
    }

    @Test
    void shouldTellAPeerAtTheConnectionLimitThatTheNodeIsFullWhileEveryPeerIsBusy() {
        BlockingHandler slow = new BlockingHandler();
        ButterNode server = nodes.start(cfg -> cfg.storage(false).limits(Limits.defaults().withMaxConnections(1)))
            .handle(SLOW, slow).handle(ECHO, echo());
        ButterNode busy = nodes.start(cfg -> cfg.storage(false));
        ButterNode refused = nodes.start(cfg -> cfg.storage(false));
        CompletableFuture<Reply> inFlight = busy.request(server.address(), SLOW, new byte[1], WAIT);
        try {
            await("the busy peer's request reached the handler").atMost(WAIT).until(() -> slow.calls() == 1);

            assertThatThrownBy(() -> refused.requestBlocking(server.address(), ECHO, new byte[1], WAIT))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("node at its connection limit (1 connections)");
        } finally {
            slow.release();
        }
        assertThat(inFlight.join().text()).as("the busy peer kept its connection").isEqualTo(BlockingHandler.RELEASED);
    }

    @Test
    void shouldGiveTheSlotOfAnIdleInboundConnectionToANewPeer() {
        ButterNode server = nodes.start(cfg -> cfg.storage(false).limits(Limits.defaults().withMaxConnections(1)))
            .handle(ECHO, echo());
        ButterNode idle = nodes.start(cfg -> cfg.storage(false));
        ButterNode newcomer = nodes.start(cfg -> cfg.storage(false));
        assertThat(idle.requestBlocking(server.address(), ECHO, "idle".getBytes(StandardCharsets.UTF_8), WAIT).text())
            .isEqualTo("idle");

        await("the newcomer is served once the other connection has been idle a moment").atMost(WAIT)
            .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(OverloadedException.class)
            .until(() -> newcomer.requestBlocking(server.address(), ECHO, "new".getBytes(StandardCharsets.UTF_8), WAIT)
                .text().equals("new"));
    }

    @Test
    void shouldLetTheNodeDialOutByClosingAnIdleInboundConnectionWhenEverySlotIsTaken() {
        ButterNode node = nodes.start(cfg -> cfg.storage(false).limits(Limits.defaults().withMaxConnections(1)))
            .handle(ECHO, echo());
        ButterNode idleCaller = nodes.start(cfg -> cfg.storage(false));
        ButterNode wanted = nodes.start(cfg -> cfg.storage(false)).handle(ECHO, echo());
        assertThat(idleCaller.requestBlocking(node.address(), ECHO, "in".getBytes(StandardCharsets.UTF_8), WAIT).text())
            .isEqualTo("in");

        await("the node reaches the peer it wants once the inbound connection has been idle a moment").atMost(WAIT)
            .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(OverloadedException.class)
            .until(() -> node.requestBlocking(wanted.address(), ECHO, "out".getBytes(StandardCharsets.UTF_8), WAIT)
                .text().equals("out"));
    }

    @Test
    void shouldLogAFloodOfGarbageConnectionsAsShortDebugLinesAndASingleWarning() throws IOException {
        int garbageConnections = 300;
        ButterNode server = nodes.start(cfg -> cfg.storage(false));
        try (CapturedLogs logs = CapturedLogs.of("network.butter", Level.DEBUG, true)) {
            SplittableRandom random = new SplittableRandom(GARBAGE_SEED);
            byte[] garbage = new byte[4096];
            for (int i = 0; i < garbageConnections; i++) {
                try (Socket socket = rawSocket(server, "127.0.0.2")) {
                    random.nextBytes(garbage);
                    writeUnlessClosed(socket, garbage);
                }
            }
            await("every garbage connection was accounted for").atMost(WAIT)
                .until(() -> logs.count("inbound connection from") >= garbageConnections);

            List<String> important = logs.atLeast(Level.INFO);
            assertThat(important).as("lines at INFO and above (seed %d)", GARBAGE_SEED).hasSize(1);
            assertThat(important.getFirst()).contains("127.0.0.2").hasSizeLessThan(300);
            assertThat(logs.messages()).as("each line is short: no hex dump")
                .allSatisfy(line -> assertThat(line).hasSizeLessThan(300));
        }
    }

    private static RequestHandlerEcho echo() {
        return new RequestHandlerEcho();
    }

    /** Answers with the request's own payload. */
    private static final class RequestHandlerEcho implements network.butter.api.RequestHandler {
        @Override
        public Reply handle(network.butter.api.Request request) {
            return Reply.of(request.payload());
        }
    }

    private static Socket rawSocket(ButterNode server, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(server.address().host(), server.address().port()), (int) WAIT.toMillis());
        return socket;
    }

    private static void writeUnlessClosed(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closedEarly) {
            // The node hung up while we were writing: what it should do.
        }
    }
}
