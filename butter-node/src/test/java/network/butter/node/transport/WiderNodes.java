package network.butter.node.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.env.TransportListener;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.tls.NodeTls;
import network.butter.wire.Frame;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real transports on 127.0.0.1, each on its own event loop, for tests of the wider layer's transport side: each
 * echoes every request back and records what it receives and which peers failed. Closes everything after each test.
 */
final class WiderNodes implements AfterEachCallback {

    /** The longest a test waits for something on a real socket. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final SecureRandom ENTROPY = new SecureRandom();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
    private final List<Node> started = new ArrayList<>();

    /** A bound, started transport with a fresh identity. */
    Node start() {
        return start(NodeIdentity.generate(ENTROPY));
    }

    /** A bound, started transport with the given identity. */
    Node start(NodeIdentity identity) {
        Node node = new Node(identity, group.next());
        started.add(node);
        return node;
    }

    /** A fresh identity, for tests that need to order ids. */
    static NodeIdentity identity() {
        return NodeIdentity.generate(ENTROPY);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            CompletableFuture.allOf(started.stream().map(node -> node.transport.close()).toArray(CompletableFuture[]::new))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
        }
    }

    /** A frame as a listener saw it. */
    record Received(PeerAddress from, Frame frame) {
    }

    /** A failure as a listener saw it. */
    record Failed(PeerId peer, ButterException cause) {
    }

    /** One transport and what its listener saw. */
    static final class Node implements TransportListener {
        final NodeIdentity identity;
        final NettyTransport transport;
        final io.netty.channel.EventLoop loop;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        final BlockingQueue<Failed> failures = new LinkedBlockingQueue<>();
        private final AtomicInteger requestIds = new AtomicInteger();

        Node(NodeIdentity identity, io.netty.channel.EventLoop loop) {
            this.identity = identity;
            this.loop = loop;
            this.transport = new NettyTransport(identity.peerId(), NodeTls.create(identity, ENTROPY, Instant.now()), loop,
                Limits.defaults(), "127.0.0.1", 0, null);
            transport.bind();
            transport.start(this);
        }

        PeerId id() {
            return identity.peerId();
        }

        PeerAddress address() {
            return onLoop(transport::localAddress);
        }

        @Override
        public void onFrame(PeerAddress from, Frame frame) {
            received.add(new Received(from, frame));
            if (frame instanceof Frame.Request request) {
                transport.send(from, new Frame.Response(request.requestId(), request.payload()));
            }
        }

        @Override
        public void onPeerFailed(PeerId peer, ButterException cause) {
            failures.add(new Failed(peer, cause));
        }

        @Override
        public boolean isBusyWith(PeerId peer) {
            return false;
        }

        /** Runs {@code task} on this node's loop and returns its result, waiting at most {@link #WAIT}. */
        <T> T onLoop(Callable<T> task) {
            CompletableFuture<T> result = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            try {
                return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("task on the loop of " + id() + " failed", e);
            }
        }

        /** Runs {@code task} on this node's loop. */
        void run(Runnable task) {
            onLoop(() -> {
                task.run();
                return null;
            });
        }

        /** Sends a request of {@code payload} to {@code to}; returns its id. */
        int request(PeerAddress to, byte[] payload) {
            int id = requestIds.incrementAndGet();
            run(() -> transport.send(to, new Frame.Request(id, WAIT.toMillis(), "test/echo", payload)));
            return id;
        }

        /** The next frame received, waiting at most {@link #WAIT}, or null. */
        Received nextFrame() throws InterruptedException {
            return received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next failure reported, waiting at most {@link #WAIT}, or null. */
        Failed nextFailure() throws InterruptedException {
            return failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The answer to request {@code id}, skipping other frames, waiting at most {@link #WAIT} in all; or null. */
        Received answerTo(int id) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Received next = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (next != null && (next.frame() instanceof Frame.Response r && r.requestId() == id
                    || next.frame() instanceof Frame.Failure f && f.requestId() == id)) {
                    return next;
                }
            }
            return null;
        }
    }
}
