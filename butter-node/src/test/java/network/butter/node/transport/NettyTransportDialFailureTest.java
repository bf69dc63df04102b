package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.PeerUnreachableException;
import network.butter.env.TransportListener;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.tls.NodeTls;
import network.butter.wire.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A dial that cannot even create its socket (no file descriptor left) is reported on the node loop, like every
 * other failure: Netty announces it on its global executor, and touching the transport's tables from there once
 * corrupted them, so that closing the node later failed with a NullPointerException.
 */
class NettyTransportDialFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SecureRandom ENTROPY = new SecureRandom();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stopTheLoop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
    }

    @Test
    void shouldReportADialThatCannotCreateItsSocketOnTheNodeLoopAndStillCloseCleanly() throws Exception {
        EventLoop loop = group.next();
        NodeIdentity identity = NodeIdentity.generate(ENTROPY);
        NettyTransport transport = new NettyTransport(identity.peerId(), NodeTls.create(identity, ENTROPY, Instant.now()),
            loop, Limits.defaults(), "127.0.0.1", 0, null);
        transport.dialChannelsFrom(() -> {
            throw new ChannelException("Too many open files");
        });
        transport.bind();
        CompletableFuture<Boolean> reportedOnLoop = new CompletableFuture<>();
        CompletableFuture<ButterException> failure = new CompletableFuture<>();
        transport.start(new TransportListener() {
            @Override
            public void onFrame(PeerAddress from, Frame frame) {
            }

            @Override
            public void onPeerFailed(PeerId peer, ButterException cause) {
                reportedOnLoop.complete(loop.inEventLoop());
                failure.complete(cause);
            }

            @Override
            public boolean isBusyWith(PeerId peer) {
                return false;
            }
        });
        PeerAddress unreachable = new PeerAddress(NodeIdentity.generate(ENTROPY).peerId(), "127.0.0.1", 9);

        loop.execute(() -> transport.send(unreachable, new Frame.Request(1, WAIT.toMillis(), "test/route", new byte[1])));

        assertThat(reportedOnLoop.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("reported on the node loop").isTrue();
        assertThat(failure.get()).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("Too many open files");
        transport.close().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
