package network.butter.node;

import static network.butter.node.LocalNodes.failureOf;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Limits;
import network.butter.api.NodeClosedException;
import network.butter.api.OverloadedException;
import network.butter.api.PayloadTooLargeException;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.api.PeerBudget;
import network.butter.api.PublicException;
import network.butter.api.RateLimitedException;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.api.UnknownRouteException;
import network.butter.hosts.KnownHosts;
import network.butter.identity.HostPort;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.FrameCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every failure a caller can see, produced end to end between real nodes on loopback: each must arrive as
 * its own exception type with a message precise enough to act on, and neither node may be left stuck.
 */
class RequestErrorsIntegrationTest {

    private static final int SMALL_FRAME_BYTES = 16 * 1024;
    private static final Duration SHORT = Duration.ofMillis(300);
    /** A caller timeout that must not end a test: well above {@link #SHORT}, well below {@link LocalNodes#WAIT}. */
    private static final Duration LONG = Duration.ofSeconds(5);

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();
    private final BlockingHandler blocking = new BlockingHandler();

    @AfterEach
    void releaseBlockedHandlers() {
        blocking.release();
    }

    @Test
    void shouldReportUnknownRouteNamingTheRoute() throws Exception {
        ButterNode server = nodes.start();
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "no/such/route", new byte[0]));

        assertThat(failure).isInstanceOf(UnknownRouteException.class).hasMessageContaining("no/such/route");
        assertThat(((UnknownRouteException) failure).route()).isEqualTo("no/such/route");
    }

    @Test
    void shouldReportARemoteHandlersPublicFailureWithItsMessage() throws Exception {
        ButterNode server = nodes.start().handle("test/fail", req -> {
            throw new PublicException("disk full");
        });
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/fail", new byte[0]));

        assertThat(failure).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("test/fail");
        RemoteHandlerException remote = (RemoteHandlerException) failure;
        assertThat(remote.remoteMessage()).isEqualTo("disk full");
        assertThat(remote.timedOut()).isFalse();
    }

    @Test
    void shouldNotSendAnInternalFailuresClassOrPathOverTheWire() throws Exception {
        ButterNode server = nodes.start().handle("test/leak", req -> {
            throw new java.io.IOException("/secret/path");
        });
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/leak", new byte[0]));

        assertThat(failure).isInstanceOfSatisfying(RemoteHandlerException.class, remote -> {
            assertThat(remote.remoteMessage()).doesNotContain("/secret/path", "IOException");
            assertThat(remote.incidentId()).isPresent();
        });
    }

    @Test
    void shouldRateLimitAPeerFloodingABuiltInRouteAndKeepServingOthers() throws Exception {
        ButterNode server = nodes.start(cfg -> cfg.peerBudget(new PeerBudget(1, 5, 64)));
        ButterNode flooder = nodes.start();
        ButterNode other = nodes.start();

        List<CompletableFuture<Reply>> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(flooder.request(server.address(), KnownHosts.SAMPLE_ROUTE, new byte[0]));
        }
        List<Throwable> refused = new ArrayList<>();
        for (CompletableFuture<Reply> reply : flood) {
            try {
                resultOf(reply);
            } catch (ExecutionException e) {
                refused.add(e.getCause());
            }
        }

        assertThat(refused).hasSizeGreaterThanOrEqualTo(10).allSatisfy(failure -> assertThat(failure)
            .isInstanceOfSatisfying(RateLimitedException.class, limited -> {
                assertThat(limited).hasMessageContaining(KnownHosts.SAMPLE_ROUTE);
                assertThat(limited.retryAfterMs()).isPresent();
            }));
        assertThat(resultOf(other.request(server.address(), KnownHosts.SAMPLE_ROUTE, new byte[0]))).isNotNull();
    }

    @Test
    void shouldTimeOutCallerOfHangingHandlerAndInterruptTheHandler() throws Exception {
        ButterNode server = nodes.start().handle("test/hang", blocking);
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/hang", new byte[0], SHORT));

        assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("test/hang");
        assertThat(((RequestTimeoutException) failure).timeoutMs()).isEqualTo(SHORT.toMillis());
        blocking.awaitInterrupted();
    }

    @Test
    void shouldReportHandlerDeadlineAsTimedOutRemoteFailure() throws Exception {
        ButterNode server = nodes.start(Limits.defaults().withMaxHandlerTime(SHORT)).handle("test/hang", blocking);
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/hang", new byte[0], LONG));

        assertThat(failure).isInstanceOf(RemoteHandlerException.class);
        RemoteHandlerException remote = (RemoteHandlerException) failure;
        assertThat(remote.timedOut()).isTrue();
        assertThat(remote.remoteMessage()).contains(SHORT.toMillis() + " ms");
        blocking.awaitInterrupted();
    }

    @Test
    void shouldCarryRequestPayloadOfExactlyTheLargestSize() throws Exception {
        Limits small = Limits.defaults().withMaxFrameBytes(SMALL_FRAME_BYTES);
        ButterNode server = nodes.start(small)
            .handle("test/size", req -> Reply.text(String.valueOf(req.payload().length)));
        ButterNode client = nodes.start(small);
        int largest = new FrameCodec(SMALL_FRAME_BYTES).maxPayloadBytes("test/size");

        Reply reply = resultOf(client.request(server.address(), "test/size", new byte[largest]));

        assertThat(reply.text()).isEqualTo(String.valueOf(largest));
    }

    @Test
    void shouldRefuseOversizedRequestPayloadWithoutSendingIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ButterNode server = nodes.start()
            .handle("test/count", req -> Reply.text(String.valueOf(calls.incrementAndGet())));
        ButterNode client = nodes.start();
        byte[] tooLarge = new byte[client.limits().maxFrameBytes() + 1];

        CompletableFuture<Reply> refused = client.request(server.address(), "test/count", tooLarge);

        assertThat(refused).as("refused before anything is sent").isCompletedExceptionally();
        assertThat(failureOf(refused)).isInstanceOf(PayloadTooLargeException.class)
            .hasMessageContaining(String.valueOf(tooLarge.length));
        assertThat(resultOf(client.request(server.address(), "test/count", new byte[0])).text())
            .as("the next request is the first the server sees").isEqualTo("1");
    }

    @Test
    void shouldReportReplyLargerThanTheServersFrameLimit() throws Exception {
        ButterNode server = nodes.start(Limits.defaults().withMaxFrameBytes(SMALL_FRAME_BYTES))
            .handle("test/big", req -> Reply.of(new byte[2 * SMALL_FRAME_BYTES]));
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/big", new byte[0]));

        assertThat(failure).isInstanceOf(PayloadTooLargeException.class)
            .hasMessageContaining(String.valueOf(2 * SMALL_FRAME_BYTES))
            .hasMessageContaining(String.valueOf(SMALL_FRAME_BYTES));
    }

    @Test
    void shouldReportReplyLargerThanTheCallersAnnouncedFrameLimit() throws Exception {
        ButterNode server = nodes.start()
            .handle("test/big", req -> Reply.of(new byte[2 * SMALL_FRAME_BYTES]))
            .handle("test/small", req -> Reply.text("small"));
        ButterNode client = nodes.start(Limits.defaults().withMaxFrameBytes(SMALL_FRAME_BYTES));

        Throwable failure = failureOf(client.request(server.address(), "test/big", new byte[0]));

        assertThat(failure).isInstanceOf(PayloadTooLargeException.class)
            .hasMessageContaining(String.valueOf(SMALL_FRAME_BYTES));
        assertThat(resultOf(client.request(server.address(), "test/small", new byte[0])).text())
            .as("the connection survives an oversized reply").isEqualTo("small");
    }

    @Test
    void shouldRefuseRequestLargerThanThePeersAnnouncedFrameLimit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ButterNode server = nodes.start(Limits.defaults().withMaxFrameBytes(SMALL_FRAME_BYTES))
            .handle("test/count", req -> Reply.text(String.valueOf(calls.incrementAndGet())));
        ButterNode client = nodes.start();

        Throwable failure = failureOf(client.request(server.address(), "test/count", new byte[2 * SMALL_FRAME_BYTES]));

        assertThat(failure).isInstanceOf(PayloadTooLargeException.class)
            .hasMessageContaining(String.valueOf(SMALL_FRAME_BYTES));
        assertThat(resultOf(client.request(server.address(), "test/count", new byte[0])).text())
            .as("the oversized request never reached the server, and the connection survived").isEqualTo("1");
    }

    @Test
    void shouldReportOverloadWhenCallerExceedsTheServersInFlightLimit() throws Exception {
        ButterNode server = nodes.start(Limits.defaults().withMaxInFlightPerPeer(1)).handle("test/block", blocking);
        ButterNode client = nodes.start(Limits.defaults().withMaxInFlightPerPeer(8));
        CompletableFuture<Reply> first = client.request(server.address(), "test/block", new byte[0]);
        blocking.awaitEntered();

        Throwable failure = failureOf(client.request(server.address(), "test/block", new byte[0]));

        assertThat(failure).isInstanceOf(OverloadedException.class).hasMessageContaining("limit 1");
        blocking.release();
        assertThat(resultOf(first).text()).isEqualTo(BlockingHandler.RELEASED);
        assertThat(blocking.calls()).isEqualTo(1);
    }

    @Test
    void shouldReportOverloadWhenTheCallersOwnQueueIsFull() throws Exception {
        ButterNode server = nodes.start().handle("test/block", blocking);
        ButterNode client = nodes.start(Limits.defaults().withMaxInFlightPerPeer(1).withMaxQueuedPerPeer(0));
        CompletableFuture<Reply> first = client.request(server.address(), "test/block", new byte[0]);
        blocking.awaitEntered();

        Throwable failure = failureOf(client.request(server.address(), "test/block", new byte[0]));

        assertThat(failure).isInstanceOf(OverloadedException.class).hasMessageContaining("in flight");
        blocking.release();
        assertThat(resultOf(first).text()).isEqualTo(BlockingHandler.RELEASED);
        assertThat(blocking.calls()).as("the refused request was never sent").isEqualTo(1);
    }

    @Test
    void shouldReportPeerUnreachableForAClosedPort() throws Exception {
        ButterNode client = nodes.start();
        int closedPort = closedLoopbackPort();
        PeerAddress nobody = new PeerAddress(strangerId(), "127.0.0.1", closedPort);

        Throwable requestFailure = failureOf(client.request(nobody, "test/any", new byte[0]));
        Throwable connectFailure = failureOf(client.connect(new HostPort("127.0.0.1", closedPort)));

        assertThat(requestFailure).isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining(String.valueOf(closedPort));
        assertThat(connectFailure).isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining(String.valueOf(closedPort));
    }

    @Test
    void shouldRefusePeerWhoseKeyIsNotTheDialledId() throws Exception {
        ButterNode server = nodes.start().handle("test/echo", req -> Reply.of(req.payload()));
        ButterNode client = nodes.start();
        PeerAddress impostor = new PeerAddress(strangerId(), server.address().host(), server.address().port());

        Throwable failure = failureOf(client.request(impostor, "test/echo", new byte[0]));

        assertThat(failure).isInstanceOf(PeerIdentityMismatchException.class);
        PeerIdentityMismatchException mismatch = (PeerIdentityMismatchException) failure;
        assertThat(mismatch.expected()).isEqualTo(impostor.id());
        assertThat(mismatch.actual()).isEqualTo(server.id());
    }

    @Test
    void shouldRefuseNewRequestsOnceShutdownHasStarted() throws Exception {
        ButterNode server = nodes.start().handle("test/block", blocking);
        ButterNode client = nodes.start();
        CompletableFuture<Reply> inFlight = client.request(server.address(), "test/block", new byte[0]);
        blocking.awaitEntered();

        CompletableFuture<Void> shutdown = client.shutdown(LONG);
        Throwable refused = failureOf(client.request(server.address(), "test/block", new byte[0]));

        assertThat(refused).isInstanceOf(NodeClosedException.class).hasMessageContaining("shutting down");
        blocking.release();
        assertThat(resultOf(inFlight).text()).as("the request in flight still drains")
            .isEqualTo(BlockingHandler.RELEASED);
        resultOf(shutdown);
        assertThat(blocking.calls()).isEqualTo(1);
    }

    @Test
    void shouldRefuseRequestsAfterShutdownCompleted() throws Exception {
        ButterNode server = nodes.start().handle("test/echo", req -> Reply.of(req.payload()));
        ButterNode client = nodes.start();
        resultOf(client.request(server.address(), "test/echo", new byte[0]));

        client.close();

        assertThat(failureOf(client.request(server.address(), "test/echo", new byte[0])))
            .isInstanceOf(NodeClosedException.class);
    }

    /** The id of a node that exists nowhere. */
    private static PeerId strangerId() {
        return NodeIdentity.generate(new SecureRandom()).peerId();
    }

    /** A loopback port nothing listens on: bound once by the OS, then released. */
    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
