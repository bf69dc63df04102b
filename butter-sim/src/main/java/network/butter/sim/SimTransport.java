package network.butter.sim;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import network.butter.api.ButterException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.Transport;
import network.butter.env.TransportListener;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.WireFormatException;

/**
 * The transport of one simulated node incarnation. Like the real one it keeps "connections" (a request opens
 * one both ways; answers travel only on an open one), refuses requests to nodes that are not running, and tells
 * connected peers when it crashes or closes. A node that died silently ({@link SimNode#vanish()}) is different:
 * frames to it vanish and dials to it time out after {@link #DIAL_TIMEOUT_MS}, as on the internet. Every frame
 * crosses the network as bytes of the real codec.
 */
final class SimTransport implements Transport {

    /** How long a dial to a silent address takes to fail, in milliseconds: the real transport's connect timeout. */
    static final long DIAL_TIMEOUT_MS = 5_000;

    private final Simulation simulation;
    private final SimNode node;
    private final int incarnation;
    private final FrameCodec codec;
    /** Open connections: each peer, with the incarnation of that peer the connection was made to. */
    private final Map<SimNode, Integer> connected = new LinkedHashMap<>();
    private TransportListener listener;
    private boolean closed;

    SimTransport(Simulation simulation, SimNode node, int incarnation, int maxFrameBytes) {
        this.simulation = simulation;
        this.node = node;
        this.incarnation = incarnation;
        this.codec = new FrameCodec(maxFrameBytes);
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = listener;
    }

    @Override
    public PeerAddress localAddress() {
        return node.address();
    }

    int maxFrameBytes() {
        return codec.maxFrameBytes();
    }

    @Override
    public void send(PeerAddress peer, Frame frame) {
        if (closed) {
            return;
        }
        SimNode target = simulation.node(peer.id());
        boolean isRequest = frame instanceof Frame.Request;
        if (target != null && target.dark()) {
            simulation.countVanished(); // its links are dark: no reset, no refusal, only silence
            return;
        }
        if (target == null || !target.running()) {
            if (isRequest) {
                simulation.countRefused();
                afterRoundTrip(() -> listener.onPeerFailed(peer.id(),
                    new PeerUnreachableException(peer, "connection refused", null)));
            }
            return;
        }
        Integer connectedTo = connected.get(target);
        if (connectedTo != null && connectedTo != target.incarnation()) {
            // The connection is to an incarnation that died: the frame hits a dead socket. After a crash the reset
            // is on its way; after a silent death the restarted host answers the stray frame with one.
            int stale = connectedTo;
            if (target.diedSilently(stale)) {
                afterRoundTrip(() -> peerLost(target, stale,
                    new PeerUnreachableException(peer, "connection reset", null)));
            }
            return;
        }
        if (!isRequest && connectedTo == null) {
            return; // answers need the connection the request came on
        }
        int peerMax = target.transport().maxFrameBytes();
        if (codec.frameLength(frame) > peerMax && frame instanceof Frame.Request request) {
            String why = "frame of " + codec.frameLength(frame) + " bytes exceeds the " + peerMax + " bytes " + peer + " accepts";
            simulation.schedule(node, incarnation, 0, () -> listener.onFrame(peer,
                new Frame.Failure(request.requestId(), ErrorCode.PAYLOAD_TOO_LARGE, why)));
            return;
        }
        if (connectedTo == null) {
            connect(target);
        }
        byte[] bytes;
        try {
            bytes = codec.encode(frame);
        } catch (FrameTooLargeException e) {
            throw new IllegalStateException("the runtime handed the transport an oversized frame: " + frame, e);
        }
        simulation.transmit(node, target, bytes);
    }

    /** A frame from {@code from} arrives; runs on this node's incarnation. */
    void receive(SimNode from, byte[] bytes) {
        if (closed) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, FrameCodec.LENGTH_FIELD_BYTES, bytes.length - FrameCodec.LENGTH_FIELD_BYTES);
        try {
            listener.onFrame(from.address(), codec.decode(buffer));
        } catch (WireFormatException e) {
            throw new IllegalStateException("a frame from " + from + " did not survive the codec: " + e.getMessage(), e);
        }
    }

    private void connect(SimNode target) {
        connected.put(target, target.incarnation());
        target.transport().connected.put(node, incarnation);
    }

    /** The connection to incarnation {@code peerIncarnation} of {@code peer} broke: what was in flight fails. */
    void peerLost(SimNode peer, int peerIncarnation, ButterException cause) {
        if (connected.remove(peer, peerIncarnation) && !closed) {
            listener.onPeerFailed(peer.id(), cause);
        }
    }

    @Override
    public CompletableFuture<PeerAddress> connect(HostPort address) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        SimNode target = simulation.node(address);
        if (target != null && target.dark()) {
            simulation.countVanished();
            simulation.schedule(node, incarnation, DIAL_TIMEOUT_MS, () -> result.completeExceptionally(
                new PeerUnreachableException(address, "connect timed out after " + DIAL_TIMEOUT_MS + " ms", null)));
            return result;
        }
        afterRoundTrip(() -> {
            if (target != null && target.running()) {
                if (!connected.containsKey(target)) {
                    connect(target);
                }
                result.complete(target.address());
            } else {
                result.completeExceptionally(new PeerUnreachableException(address, "connection refused", null));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!closed) {
            disconnectAll("it closed the connection (" + ErrorCode.SHUTTING_DOWN + ")");
            closed = true;
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Tells every connected peer, one latency later, that this node is gone. */
    void disconnectAll(String reason) {
        for (Map.Entry<SimNode, Integer> entry : connected.entrySet()) {
            SimNode peer = entry.getKey();
            SimTransport theirs = peer.transport();
            PeerUnreachableException cause = new PeerUnreachableException(node.address(), reason, null);
            simulation.schedule(peer, entry.getValue(), simulation.latency(),
                () -> theirs.peerLost(node, incarnation, cause));
        }
        connected.clear();
    }

    private void afterRoundTrip(Runnable action) {
        simulation.schedule(node, incarnation, 2 * simulation.latency(), action);
    }
}
