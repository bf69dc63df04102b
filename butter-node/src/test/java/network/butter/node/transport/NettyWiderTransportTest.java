package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.node.testing.HostileTlsContexts;
import network.butter.node.testing.RawTlsClient;
import network.butter.node.transport.WiderNodes.Failed;
import network.butter.node.transport.WiderNodes.Node;
import network.butter.node.transport.WiderNodes.Received;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real transport's side of the wider layer: dial-back probes, advertised addresses and relay circuits. */
class NettyWiderTransportTest {

    @RegisterExtension
    final WiderNodes nodes = new WiderNodes();

    @Test
    void shouldProveWhoAnswersAProbeWithoutDisturbingTheOpenConnection() throws Exception {
        Node a = nodes.start();
        Node b = nodes.start();
        assertAnswered(a, a.request(b.address(), new byte[] {1}));
        b.received.clear();

        PeerAddress proven = b.onLoop(() -> b.transport.probe(a.address().hostPort())).get(WiderNodes.WAIT.toMillis(),
            TimeUnit.MILLISECONDS);

        assertThat(proven).isEqualTo(a.address());
        assertAnswered(a, a.request(b.address(), new byte[] {2}));
        assertThat(a.failures).as("failures seen by the probed node").isEmpty();
        assertThat(b.failures).as("failures seen by the prober").isEmpty();
        assertThat(a.onLoop(() -> a.transport.path(b.id()))).contains(PathKind.DIRECT);
    }

    @Test
    void shouldFailAProbeOfAnAddressWhereNobodyListens() throws Exception {
        Node a = nodes.start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        var probe = a.onLoop(() -> a.transport.probe(new HostPort("127.0.0.1", closedPort)));

        assertThatThrownBy(() -> probe.get(WiderNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("127.0.0.1:" + closedPort);
    }

    @Test
    void shouldReportTheSocketAddressOfTheDirectConnectionAsTheObservedAddress() throws Exception {
        Node a = nodes.start();
        Node b = nodes.start();
        assertAnswered(a, a.request(b.address(), new byte[] {1}));

        Optional<HostPort> seenByB = b.onLoop(() -> b.transport.observedAddress(a.id()));
        Optional<HostPort> seenByA = a.onLoop(() -> a.transport.observedAddress(b.id()));

        assertThat(seenByA).contains(b.address().hostPort());
        assertThat(seenByB).get().satisfies(seen -> {
            assertThat(seen.host()).isEqualTo("127.0.0.1");
            assertThat(seen.port()).as("a's ephemeral port, not its listening port").isNotEqualTo(a.address().port());
        });
        assertThat(b.onLoop(() -> b.transport.observedAddress(WiderNodes.identity().peerId()))).isEmpty();
    }

    @Test
    void shouldReportFramesFromTheAddressThePeerAdvertisesInTheHandshakeAndLater() throws Exception {
        Node a = nodes.start();
        Node b = nodes.start();
        PeerAddress listening = b.address();
        // Addresses from the documentation range: never dialled, only reported (the open connection carries all).
        PeerAddress first = new PeerAddress(b.id(), "192.0.2.7", 7001);
        PeerAddress second = new PeerAddress(b.id(), "192.0.2.8", 7002);
        b.run(() -> b.transport.advertise(first));
        assertThat(b.address()).isEqualTo(first);

        Received answer = a.answerTo(a.request(listening, new byte[] {1}));
        assertThat(answer).isNotNull();
        assertThat(answer.from()).as("answer before any update").isEqualTo(first);

        b.run(() -> b.transport.advertise(second));
        assertThat(a.answerTo(a.request(listening, new byte[] {2})).from()).as("answer after the update").isEqualTo(second);
    }

    @Test
    void shouldRefuseAnAdvertisedAddressWithAnotherId() throws Exception {
        Node a = nodes.start();
        Node b = nodes.start();
        assertAnswered(a, a.request(b.address(), new byte[] {1}));
        PeerAddress forged = new PeerAddress(WiderNodes.identity().peerId(), "192.0.2.9", 7009);

        assertThatThrownBy(() -> b.onLoop(() -> {
            b.transport.advertise(forged);
            return null;
        })).hasRootCauseInstanceOf(IllegalArgumentException.class);
        Logger connectionLog = (Logger) LoggerFactory.getLogger(Connection.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        connectionLog.addAppender(logged);
        try {
            b.run(() -> b.transport.directConnection(a.id()).sendLink(new LinkFrame.Advertise(forged)));
            a.received.clear();
            int id = b.request(a.address(), new byte[] {2});

            Received request = a.nextFrame();
            assertThat(request.frame()).isInstanceOf(Frame.Request.class);
            assertThat(request.from()).isEqualTo(b.address());
            assertAnswered(b, id);
            synchronized (logged) {
                assertThat(logged.list).anySatisfy(event -> {
                    assertThat(event.getLevel()).isEqualTo(Level.WARN);
                    assertThat(event.getFormattedMessage()).contains("refusing the address " + forged)
                        .contains("not that peer's id");
                });
            }
        } finally {
            connectionLog.detachAppender(logged);
        }
    }

    @Test
    void shouldCarryARequestThroughARelayBetweenThreePeers() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());

        int id = r.a.request(r.bViaRelay, "through the relay".getBytes());

        Received answer = r.a.answerTo(id);
        assertThat(answer).isNotNull();
        assertThat(((Frame.Response) answer.frame()).payload()).isEqualTo("through the relay".getBytes());
        assertThat(answer.from()).isEqualTo(r.bViaRelay);
        assertThat(r.a.onLoop(() -> r.a.transport.path(r.b.id()))).contains(PathKind.RELAYED);
        assertThat(r.gate.asked).containsExactly(new RecordingGate.Asked(r.a.id(), "127.0.0.1", r.b.id()));
        Received request = r.b.received.stream().filter(f -> f.frame() instanceof Frame.Request).findFirst().orElseThrow();
        assertThat(request.from()).isEqualTo(PeerAddress.relayed(r.a.id(), r.relay.address()));
    }

    @Test
    void shouldFailADialThroughARelayThatAnswersWithAnotherKey() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());
        Node impostor = nodes.start();
        impostor.run(() -> impostor.transport.acceptCircuitsVia(r.relay.id(), true));
        assertAnswered(impostor, impostor.request(r.relay.address(), new byte[] {1}));
        r.relay.run(() -> r.relay.transport.routeCircuitsWith(target -> impostor.id()));

        r.a.request(r.bViaRelay, new byte[] {2});

        Failed failure = r.a.nextFailure();
        assertThat(failure.peer()).isEqualTo(r.b.id());
        assertThat(failure.cause()).isInstanceOf(PeerIdentityMismatchException.class);
        assertThat(impostor.received).noneMatch(frame -> frame.frame() instanceof Frame.Request);
    }

    @Test
    void shouldBreakTheCircuitWithATlsErrorWhenTheRelayFlipsAByte() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());
        assertAnswered(r.a, r.a.request(r.bViaRelay, new byte[] {1}));
        AtomicBoolean tamper = new AtomicBoolean(true);
        r.relay.run(() -> r.relay.transport.forwardCircuitBytesWith(data -> {
            if (tamper.getAndSet(false)) {
                data[data.length - 1] ^= 1;
            }
            return data;
        }));

        r.a.request(r.bViaRelay, new byte[64]);

        Failed failure = r.a.nextFailure();
        assertThat(failure).as("a failure at the requester").isNotNull();
        assertThat(failure.peer()).isEqualTo(r.b.id());
        assertThat(failure.cause()).hasMessageContaining("TLS failed");
        await().atMost(WiderNodes.WAIT).untilAsserted(() -> assertThat(r.b.failures).anySatisfy(seen ->
            assertThat(seen.cause()).hasMessageContaining("TLS")));
        assertThat(r.b.received).filteredOn(frame -> frame.frame() instanceof Frame.Request).hasSize(1);
    }

    @Test
    void shouldCloseACircuitThatReachesItsByteLimit() throws Exception {
        Relayed r = relayed(new RecordingGate(new RelayGate.Allowed(20_000, 60_000)));
        assertAnswered(r.a, r.a.request(r.bViaRelay, new byte[] {1}));

        r.a.request(r.bViaRelay, new byte[50_000]);

        Failed failure = r.a.nextFailure();
        assertThat(failure.cause()).hasMessageContaining("limit of 20000 bytes");
        await().atMost(WiderNodes.WAIT).untilAsserted(() -> assertThat(r.gate.closed).singleElement()
            .satisfies(closed -> assertThat(closed.bytes()).isLessThanOrEqualTo(20_000)));
    }

    @Test
    void shouldCloseACircuitThatReachesItsTimeLimit() throws Exception {
        Relayed r = relayed(new RecordingGate(new RelayGate.Allowed(1_000_000, 500)));
        assertAnswered(r.a, r.a.request(r.bViaRelay, new byte[] {1}));

        Failed failure = r.a.nextFailure();

        assertThat(failure.cause()).hasMessageContaining("time limit of 500 ms");
        assertThat(r.gate.closed).singleElement().satisfies(closed -> assertThat(closed.durationMs()).isBetween(500L, 5_000L));
    }

    @Test
    void shouldRefuseACircuitToAPeerThatHoldsNoReservationWithTheRelay() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());
        r.b.run(() -> r.b.transport.acceptCircuitsVia(r.relay.id(), false));

        r.a.request(r.bViaRelay, new byte[] {1});

        assertThat(r.a.nextFailure().cause()).hasMessageContaining("accepts no circuits via " + r.relay.id());
    }

    @Test
    void shouldRefuseACircuitWhenTheRelayGateSaysNo() throws Exception {
        Relayed r = relayed(new RecordingGate(new RelayGate.Refused("no reservation for you")));

        r.a.request(r.bViaRelay, new byte[] {1});

        assertThat(r.a.nextFailure().cause()).hasMessageContaining("no reservation for you");
    }

    @Test
    void shouldRefuseACircuitToAPeerThatIsNotConnectedToTheRelay() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());
        PeerAddress stranger = PeerAddress.relayed(WiderNodes.identity().peerId(), r.relay.address());

        r.a.request(stranger, new byte[] {1});

        assertThat(r.a.nextFailure().cause()).hasMessageContaining("is not connected to this relay");
        assertThat(r.gate.asked).isEmpty();
    }

    @Test
    void shouldOpenNoMoreThanTheCapOfCircuitsOnOneConnectionAndIgnoreIdsOfTheWrongParity() throws Exception {
        Relayed r = relayed(RecordingGate.allowingAll());
        assertAnswered(r.a, r.a.request(r.relay.address(), new byte[] {1}));
        int wanted = Circuits.MAX_CIRCUITS_PER_CONNECTION + 8;

        r.a.run(() -> r.a.transport.directConnection(r.relay.id()).sendLink(new LinkFrame.CircuitConnect(1, r.b.id())));
        assertAnswered(r.a, r.a.request(r.relay.address(), new byte[] {2}));
        assertThat(r.gate.asked).as("a circuit id of the relay's parity, from the dialler").isEmpty();

        r.a.run(() -> {
            Connection toRelay = r.a.transport.directConnection(r.relay.id());
            for (int i = 0; i < wanted; i++) {
                toRelay.sendLink(new LinkFrame.CircuitConnect(1000 + 2 * i, r.b.id()));
            }
        });
        assertAnswered(r.a, r.a.request(r.relay.address(), new byte[] {3}));

        assertThat(r.gate.asked).hasSize(Circuits.MAX_CIRCUITS_PER_CONNECTION);
    }

    @Test
    void shouldGiveUpOnACircuitTheRelayNeverAnswersWithinTheConnectTimeout() throws Exception {
        Node a = nodes.start();
        io.netty.channel.EventLoopGroup rawGroup = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
            io.netty.channel.nio.NioIoHandler.newFactory());
        try (RawTlsClient silentRelay = RawTlsClient.connect(rawGroup, HostileTlsContexts.withFreshButterKey(), a.address())) {
            silentRelay.handshake().get(WiderNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            silentRelay.send(new Frame.Hello(FrameCodec.PROTOCOL_VERSION, 0, FrameCodec.MIN_MAX_FRAME_BYTES),
                new Frame.Request(1, 1_000, "test/echo", new byte[0]));
            PeerAddress relay = a.nextFrame().from();
            PeerAddress target = PeerAddress.relayed(WiderNodes.identity().peerId(), relay);
            long startNanos = System.nanoTime();

            a.request(target, new byte[] {1});

            Failed failure = a.nextFailure();
            assertThat(failure.peer()).isEqualTo(target.id());
            assertThat(failure.cause()).hasMessageContaining("the relay did not open the circuit within "
                + NettyTransport.CONNECT_TIMEOUT_MS + " ms");
            assertThat((System.nanoTime() - startNanos) / 1_000_000).isLessThan(NettyTransport.CONNECT_TIMEOUT_MS + 2_000L);
        } finally {
            rawGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WiderNodes.WAIT.toMillis());
        }
    }

    /** A relay, a peer b that accepts circuits through it and holds a connection to it, and a peer a. */
    private Relayed relayed(RecordingGate gate) throws Exception {
        Node relay = nodes.start();
        Node a = nodes.start();
        Node b = nodes.start();
        relay.run(() -> relay.transport.serveRelay(gate));
        b.run(() -> b.transport.acceptCircuitsVia(relay.id(), true));
        assertAnswered(b, b.request(relay.address(), new byte[] {0}));
        relay.received.clear();
        return new Relayed(relay, a, b, PeerAddress.relayed(b.id(), relay.address()), gate);
    }

    private record Relayed(Node relay, Node a, Node b, PeerAddress bViaRelay, RecordingGate gate) {
    }

    private static void assertAnswered(Node requester, int id) throws InterruptedException {
        Received answer = requester.answerTo(id);
        assertThat(answer).as("answer to request " + id).isNotNull();
        assertThat(answer.frame()).isInstanceOf(Frame.Response.class);
    }

    static List<HostPort> candidates(Node node) {
        return List.of(node.address().hostPort());
    }
}
