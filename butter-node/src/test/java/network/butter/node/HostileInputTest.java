package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.Reply;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.testing.HostileTlsContexts;
import network.butter.node.testing.LegitimateTraffic;
import network.butter.node.testing.RawSockets;
import network.butter.node.testing.RawTlsClient;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node under attack on 127.0.0.1 keeps serving its legitimate peer. While a well-behaved node calls an echo
 * route back to back, hostile clients send raw garbage, hostile length prefixes, half frames that then stall,
 * protocol violations after a real TLS handshake, and certificates that are not Butter keys; a caller dials
 * the server under the wrong peer id. Each misbehaving connection is refused or closed on its own (with a
 * GOAWAY naming the reason once past TLS) or, when it stalls, simply costs nothing; every legitimate request
 * succeeds, and afterwards a brand-new peer is still served.
 *
 * <p>The garbage is random from the fixed seed {@value #GARBAGE_SEED}, so runs repeat.
 */
class HostileInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long GARBAGE_SEED = 0x5EED_B077E4L;
    private static final String ECHO = "echo";
    private static final SecureRandom ENTROPY = new SecureRandom();
    /** How many legitimate requests must succeed while a hostile client is at work. */
    private static final int PROGRESS_REQUESTS = 20;

    private static EventLoopGroup hostileLoops;

    private ButterNode server;
    private ButterNode peer;
    private LegitimateTraffic traffic;

    @BeforeAll
    static void startHostileLoops() {
        hostileLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopHostileLoops() {
        hostileLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
    }

    @BeforeEach
    void startServerAndLegitimateTraffic() {
        server = Butter.node(cfg -> cfg.host("127.0.0.1"))
            .handle(ECHO, request -> Reply.of(request.payload()))
            .start();
        peer = Butter.node(cfg -> cfg.host("127.0.0.1")).start();
        traffic = LegitimateTraffic.start(peer, server.address(), ECHO);
        traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
    }

    @AfterEach
    void requireTheLegitimatePeerWasNeverDisturbed() throws Exception {
        try {
            traffic.stop(WAIT);
            assertThat(traffic.failures()).as("legitimate requests that failed").isEmpty();
            assertThat(traffic.succeeded()).isGreaterThanOrEqualTo(PROGRESS_REQUESTS);
            assertServesANewPeer();
        } finally {
            peer.close();
            server.close();
        }
    }

    @Test
    void shouldCloseARawTcpClientThatSendsGarbage() {
        rawTcpGarbage();
    }

    @Test
    void shouldCloseARawTcpClientThatSendsAHugeLengthPrefix() {
        rawTcpHugeLengthPrefix();
    }

    @Test
    void shouldServeOthersWhileARawTcpClientStallsInTheMiddleOfATlsRecord() {
        rawTcpHalfTlsRecordThenStall();
    }

    @Test
    void shouldAnswerAHugeLengthPrefixWithGoAwayPayloadTooLarge() {
        tlsHugeLengthPrefix();
    }

    @Test
    void shouldServeOthersWhileATlsClientStallsInTheMiddleOfAFrame() {
        tlsHalfFrameThenStall();
    }

    @Test
    void shouldAnswerAnUnknownFrameTypeWithGoAwayProtocolError() {
        tlsUnknownFrameType();
    }

    @Test
    void shouldAnswerARequestBeforeHelloWithGoAwayProtocolError() {
        tlsRequestBeforeHello();
    }

    @Test
    void shouldRefuseToTalkToTheServerUnderAnotherPeersId() {
        dialServerUnderAnotherPeersId();
    }

    @Test
    void shouldRefuseATlsClientWhoseCertificateIsNotAnEd25519Key() {
        tlsClientRefused(HostileTlsContexts.withEcP256Certificate());
    }

    @Test
    void shouldRefuseATlsClientWithoutCertificate() {
        tlsClientRefused(HostileTlsContexts.withoutCertificate());
    }

    @Test
    void shouldKeepServingWhileEveryKindOfHostileClientActsAtOnce() throws Exception {
        List<Runnable> attacks = List.of(
            this::rawTcpGarbage,
            this::rawTcpHugeLengthPrefix,
            this::rawTcpHalfTlsRecordThenStall,
            this::tlsHugeLengthPrefix,
            this::tlsHalfFrameThenStall,
            this::tlsUnknownFrameType,
            this::tlsRequestBeforeHello,
            this::dialServerUnderAnotherPeersId,
            () -> tlsClientRefused(HostileTlsContexts.withEcP256Certificate()),
            () -> tlsClientRefused(HostileTlsContexts.withoutCertificate()));
        try (ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<?>[] running = attacks.stream()
                .map(attack -> CompletableFuture.runAsync(attack, attackers))
                .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(running).get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void rawTcpGarbage() {
        try (Socket socket = rawSocket()) {
            byte[] garbage = new byte[32 * 1024];
            new SplittableRandom(GARBAGE_SEED).nextBytes(garbage);

            writeUnlessClosed(socket, garbage);

            awaitClosedByServer(socket);
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rawTcpHugeLengthPrefix() {
        try (Socket socket = rawSocket()) {
            byte[] bytes = new byte[64];
            ByteBuffer.wrap(bytes).putInt(0x7FFF_FFFF);

            writeUnlessClosed(socket, bytes);

            awaitClosedByServer(socket);
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rawTcpHalfTlsRecordThenStall() {
        try (Socket socket = rawSocket()) {
            byte[] halfRecord = new byte[5 + 100];
            new SplittableRandom(GARBAGE_SEED).nextBytes(halfRecord);
            // A TLS handshake record header announcing 16 KiB, followed by only 100 of them.
            ByteBuffer.wrap(halfRecord).put((byte) 0x16).put((byte) 0x03).put((byte) 0x03).putShort((short) 0x4000);

            socket.getOutputStream().write(halfRecord);

            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
            assertServesANewPeer();
            assertStillOpen(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void tlsHugeLengthPrefix() {
        try (RawTlsClient client = handshakenButterClient()) {
            client.send(hostileHello());
            client.send(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});

            awaitClosedByServer(client);
            assertLastFrameIsGoAway(client, ErrorCode.PAYLOAD_TOO_LARGE);
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        }
    }

    private void tlsHalfFrameThenStall() {
        try (RawTlsClient client = handshakenButterClient()) {
            byte[] request = encode(new Frame.Request(1, 5_000, ECHO, new byte[200]));
            client.send(hostileHello());
            client.send(Arrays.copyOf(request, request.length / 2));

            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
            assertServesANewPeer();
            assertThat(client.isOpen()).as("stalled connection still open").isTrue();
            assertThat(client.frames()).as("frames the server sent the stalled client")
                .singleElement().isInstanceOf(Frame.Hello.class);
        }
    }

    private void tlsUnknownFrameType() {
        try (RawTlsClient client = handshakenButterClient()) {
            client.send(hostileHello());
            client.send(new byte[] {0, 0, 0, 1, 0x7E});

            awaitClosedByServer(client);
            assertLastFrameIsGoAway(client, ErrorCode.PROTOCOL_ERROR);
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        }
    }

    private void tlsRequestBeforeHello() {
        try (RawTlsClient client = handshakenButterClient()) {
            client.send(new Frame.Request(1, 5_000, ECHO, "too early".getBytes(StandardCharsets.UTF_8)));

            awaitClosedByServer(client);
            assertThat(client.frames()).as("frames the server sent: no HELLO before the client's")
                .singleElement().isInstanceOfSatisfying(Frame.GoAway.class,
                    goAway -> assertThat(goAway.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        }
    }

    private void dialServerUnderAnotherPeersId() {
        PeerId someoneElse = NodeIdentity.generate(ENTROPY).peerId();
        PeerAddress impostor = new PeerAddress(someoneElse, server.address().host(), server.address().port());

        assertThatThrownBy(() -> peer.requestBlocking(impostor, ECHO, new byte[] {1}, WAIT))
            .isInstanceOfSatisfying(PeerIdentityMismatchException.class, e -> {
                assertThat(e.expected()).isEqualTo(someoneElse);
                assertThat(e.actual()).isEqualTo(server.id());
                assertThat(e.getMessage()).contains(someoneElse.toString(), server.id().toString());
            });
        traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
    }

    /** A client the server's TLS must turn away: it closes, and never sends a HELLO. */
    private void tlsClientRefused(SslContext context) {
        try (RawTlsClient client = RawTlsClient.connect(hostileLoops, context, server.address())) {
            awaitClosedByServer(client);
            assertThat(client.received()).as("bytes the server sent after TLS (a HELLO means it accepted)").isEmpty();
            traffic.awaitMore(PROGRESS_REQUESTS, WAIT);
        }
    }

    /** A node that never met the server connects and is answered. */
    private void assertServesANewPeer() {
        try (ButterNode newcomer = Butter.node(cfg -> cfg.host("127.0.0.1")).start()) {
            Reply reply = newcomer.requestBlocking(server.address(), ECHO, "newcomer".getBytes(StandardCharsets.UTF_8),
                WAIT);
            assertThat(reply.text()).isEqualTo("newcomer");
        }
    }

    private RawTlsClient handshakenButterClient() {
        RawTlsClient client = RawTlsClient.connect(hostileLoops, HostileTlsContexts.withFreshButterKey(),
            server.address());
        assertThat(client.handshake().awaitUninterruptibly(WAIT.toMillis())).as("handshake finished in time").isTrue();
        assertThat(client.handshake().isSuccess()).as("handshake with a valid Butter key succeeded").isTrue();
        return client;
    }

    /** A well-formed HELLO, so that what follows counts as traffic on an open connection. */
    private static Frame.Hello hostileHello() {
        return new Frame.Hello(FrameCodec.PROTOCOL_VERSION, 0, FrameCodec.MIN_MAX_FRAME_BYTES);
    }

    private static byte[] encode(Frame frame) {
        try {
            return new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES).encode(frame);
        } catch (FrameTooLargeException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertLastFrameIsGoAway(RawTlsClient client, ErrorCode code) {
        List<Frame> frames = client.frames();
        assertThat(frames).as("frames the server sent").first().isInstanceOf(Frame.Hello.class);
        assertThat(frames).as("frames the server sent").last().isInstanceOfSatisfying(Frame.GoAway.class,
            goAway -> assertThat(goAway.code()).as("GOAWAY code, message '%s'", goAway.message()).isEqualTo(code));
    }

    private static void awaitClosedByServer(RawTlsClient client) {
        await("server closes the TLS connection").atMost(WAIT).until(() -> !client.isOpen());
    }

    private Socket rawSocket() throws IOException {
        Socket socket = new Socket(server.address().host(), server.address().port());
        socket.setSoTimeout(100);
        return socket;
    }

    /** Writes, accepting that the server may already have hung up on the first bytes. */
    private static void writeUnlessClosed(Socket socket, byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException closedEarly) {
            // The server reset the connection while we were still writing: exactly what it should do.
        }
    }

    private static void awaitClosedByServer(Socket socket) {
        await("server closes the raw connection").atMost(WAIT).until(() -> RawSockets.closedByPeer(socket));
    }

    private static void assertStillOpen(Socket socket) throws IOException {
        try {
            int read = socket.getInputStream().read();
            fail("the server should leave a stalled connection alone, but read() returned " + read);
        } catch (SocketTimeoutException stillWaiting) {
            // Nothing arrived within the read timeout: the connection is open and the server is waiting.
        }
    }

}
