package network.butter.testing;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.PeerBudget;
import network.butter.api.PeerUnreachableException;
import network.butter.env.Environment;
import network.butter.env.Transport;
import network.butter.env.TransportListener;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.runtime.NodeRuntime;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.WireFormatException;

/**
 * A tiny in-memory network for protocol tests: nodes on {@link VirtualTime}, frames passed as encoded bytes
 * (so every message goes through the real codec) with a fixed one-way latency. It is the seed of the
 * simulator, not the simulator itself.
 */
public final class MemoryNetwork {

    /** One-way latency of every link, in virtual milliseconds. */
    public static final long LATENCY_MS = 1;

    private final VirtualTime time = new VirtualTime();
    private final SplittableRandom random;
    private final long seed;
    private final Map<PeerId, MemoryTransport> transports = new HashMap<>();
    private final List<Frame> sent = new ArrayList<>();
    private int nextPort = 1000;

    /** @param seed seeds node randomness and keys; print it when a test fails */
    public MemoryNetwork(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed this network was made from. */
    public long seed() {
        return seed;
    }

    /** The shared virtual clock. */
    public VirtualTime time() {
        return time;
    }

    /** Every frame sent on the network so far, in order. */
    public List<Frame> sent() {
        return sent;
    }

    /** A node with the given limits, reachable by every other node of this network. */
    public TestNode node(Limits limits) {
        return node(limits, PeerBudget.defaults());
    }

    /** A node with the given limits and per-peer budget, reachable by every other node of this network. */
    public TestNode node(Limits limits, PeerBudget peerBudget) {
        SecureRandom keyEntropy = new DeterministicEntropy(random.nextLong());
        NodeIdentity identity = NodeIdentity.generate(keyEntropy);
        PeerAddress address = new PeerAddress(identity.peerId(), "10.0.0." + (transports.size() + 1), nextPort++);
        MemoryTransport transport = new MemoryTransport(address, new FrameCodec(limits.maxFrameBytes()));
        transports.put(identity.peerId(), transport);
        ManualWorker worker = new ManualWorker(time);
        Environment env = new Environment(new ManualLoop(time), random.split(), worker, transport, identity::sign);
        return new TestNode(new NodeRuntime(env, limits, peerBudget), worker, transport);
    }

    /** A node with default limits. */
    public TestNode node() {
        return node(Limits.defaults());
    }

    /** Cuts a node off: frames to it are lost and dialling it fails, as if it crashed. */
    public void crash(PeerId peer) {
        MemoryTransport transport = transports.get(peer);
        transport.crashed = true;
        for (MemoryTransport other : transports.values()) {
            if (other != transport && other.listener != null) {
                time.schedule(LATENCY_MS, () -> other.listener.onPeerFailed(peer,
                    new PeerUnreachableException(peer, "connection reset", null)));
            }
        }
    }

    /** A node of the test network with handles on its parts. */
    public record TestNode(NodeRuntime runtime, ManualWorker worker, MemoryTransport transport) {
        /** Shortcut for the node's address. */
        public PeerAddress address() {
            return runtime.address();
        }
    }

    /** The transport of one node of a {@link MemoryNetwork}. */
    public final class MemoryTransport implements Transport {
        private final PeerAddress local;
        private final FrameCodec codec;
        private TransportListener listener;
        private boolean crashed;
        private boolean closed;
        private WiderTransport wider;

        MemoryTransport(PeerAddress local, FrameCodec codec) {
            this.local = local;
            this.codec = codec;
        }

        /** Gives this transport a NAT-crossing side (a test double), before protocols start. */
        public void wider(WiderTransport value) {
            this.wider = value;
        }

        @Override
        public Optional<WiderTransport> wider() {
            return Optional.ofNullable(wider);
        }

        /** The listener the runtime registered, for test doubles that report to it. */
        public TransportListener listener() {
            return listener;
        }

        /** Whether {@link #close()} was called. */
        public boolean closed() {
            return closed;
        }

        @Override
        public void start(TransportListener listener) {
            this.listener = listener;
        }

        @Override
        public PeerAddress localAddress() {
            return local;
        }

        @Override
        public void send(PeerAddress peer, Frame frame) {
            if (closed || crashed) {
                return;
            }
            sent.add(frame);
            MemoryTransport target = transports.get(peer.id());
            if (target == null || target.crashed || target.closed) {
                if (frame instanceof Frame.Request) {
                    time.schedule(LATENCY_MS, () -> listener.onPeerFailed(peer.id(),
                        new PeerUnreachableException(peer, "connection refused", null)));
                }
                return;
            }
            byte[] bytes;
            try {
                bytes = codec.encode(frame);
            } catch (FrameTooLargeException e) {
                throw new AssertionError("the runtime sent an oversized frame: " + frame, e);
            }
            time.schedule(LATENCY_MS, () -> target.receive(local, bytes));
        }

        private void receive(PeerAddress from, byte[] bytes) {
            if (crashed || closed) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            buffer.getInt();
            try {
                listener.onFrame(from, codec.decode(buffer));
            } catch (WireFormatException e) {
                throw new AssertionError("a frame did not survive its own codec", e);
            }
        }

        @Override
        public CompletableFuture<PeerAddress> connect(HostPort address) {
            for (MemoryTransport transport : transports.values()) {
                if (transport.local.hostPort().equals(address) && !transport.crashed) {
                    return CompletableFuture.completedFuture(transport.local);
                }
            }
            return CompletableFuture.failedFuture(new PeerUnreachableException(address, "connection refused", null));
        }

        @Override
        public CompletableFuture<Void> close() {
            closed = true;
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Seeded entropy so keys, and thus peer ids and their order, repeat from the seed. */
    private static final class DeterministicEntropy extends SecureRandom {
        private final SplittableRandom source;

        DeterministicEntropy(long seed) {
            super(new byte[0]);
            this.source = new SplittableRandom(seed);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) source.nextInt();
            }
        }
    }
}
