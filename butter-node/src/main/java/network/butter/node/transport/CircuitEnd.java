package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.butter.api.PeerUnreachableException;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;

/**
 * One end of a circuit through a relay. The peer-to-peer connection inside it is an ordinary {@link Connection} with
 * the ordinary TLS pipeline, on an in-memory channel driven from the node loop; this handler sits at the head of that
 * pipeline and turns the TLS bytes written there into {@code CIRCUIT_DATA} frames on the direct connection to the
 * relay, while the frames that come back are fed in as reads. The relay thus only ever sees TLS records between the
 * two peers.
 *
 * <p>The in-memory channel's own timers (TLS handshake and idle timeouts) run on a tick of
 * {@value #TICK_MS} ms. Bytes waiting for a relay connection that cannot take more are capped at
 * {@link Circuits#MAX_BUFFERED_BYTES_PER_CIRCUIT}; past that the circuit closes. Runs on the node loop.
 */
final class CircuitEnd extends ChannelOutboundHandlerAdapter {

    /** What comes before the reason in a {@link PeerUnreachableException}'s message. */
    private static final String UNREACHABLE = " is unreachable: ";

    /** How often the timers of the connection inside run, in milliseconds. */
    static final long TICK_MS = 50;

    private final Circuits circuits;
    private final Connection relay;
    private final int circuitId;
    private final PeerId peer;
    private final boolean asking;
    private final CompletableFuture<PeerAddress> opened;
    private long waitingForRelayBytes;
    private Connection inner;
    private EmbeddedChannel channel;
    private ScheduledFuture<?> ticker;
    private boolean closedByRelay;
    private boolean finished;

    /**
     * @param relay     the direct connection to the relay
     * @param circuitId the circuit's id on that connection
     * @param peer      the other end: the target this node asked for, or the source the relay names
     * @param asking    whether this node asked for the circuit (then it is the TLS client inside it)
     * @param opened    completes when the connection inside is ready (for the asking end; null otherwise)
     */
    CircuitEnd(Circuits circuits, Connection relay, int circuitId, PeerId peer, boolean asking,
               CompletableFuture<PeerAddress> opened) {
        this.circuits = circuits;
        this.relay = relay;
        this.circuitId = circuitId;
        this.peer = peer;
        this.asking = asking;
        this.opened = opened;
    }

    int circuitId() {
        return circuitId;
    }

    Connection relay() {
        return relay;
    }

    boolean asking() {
        return asking;
    }

    boolean started() {
        return inner != null;
    }

    /** The relay's address, as the peer inside the circuit is reached through it. */
    PeerAddress relayAddress() {
        return relay.peerAddress();
    }

    /** The relay's socket address as this node sees it. */
    InetSocketAddress relaySocket() {
        return relay.remoteSocket();
    }

    /** How to name the circuit in messages. */
    String label() {
        return peer + " via " + relay.label() + " (circuit " + circuitId + ")";
    }

    /** The circuit is open at the relay: start the connection inside it, TLS and HELLO as on any connection. */
    void start() {
        inner = new Connection(circuits.transport(), asking, peer, label(), Connection.Setup.circuit(this));
        channel = new EmbeddedChannel(false, false);
        channel.pipeline().addFirst("circuit", this);
        ticker = circuits.transport().loop().scheduleAtFixedRate(this::runTimers, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        circuits.transport().openInCircuit(this, channel, inner, opened);
        runTimers();
    }

    /** Runs what the in-memory channel has queued or scheduled: flushes, closes, timeouts. */
    private void runTimers() {
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }

    /** Bytes of the peer's TLS stream, from the relay. */
    void onData(byte[] data) {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(data));
        channel.pipeline().fireChannelReadComplete();
        channel.runPendingTasks();
    }

    /** TLS bytes from the connection inside: to the relay, in frames the relay accepts. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new IllegalStateException("a circuit carries bytes, not " + msg.getClass().getSimpleName()));
            return;
        }
        try {
            int chunk = Math.min(Circuits.MAX_DATA_CHUNK_BYTES, relay.peerMaxFrameBytes() - LinkCodec.DATA_OVERHEAD_BYTES);
            while (bytes.isReadable()) {
                byte[] part = new byte[Math.min(chunk, bytes.readableBytes())];
                bytes.readBytes(part);
                if (!relay.writable()) {
                    waitingForRelayBytes += part.length;
                    if (waitingForRelayBytes > Circuits.MAX_BUFFERED_BYTES_PER_CIRCUIT) {
                        promise.setFailure(new PeerUnreachableException(label(), "circuit buffer full", null));
                        close(ErrorCode.OVERLOADED, "more than " + Circuits.MAX_BUFFERED_BYTES_PER_CIRCUIT
                            + " bytes wait for the connection to the relay");
                        return;
                    }
                } else {
                    waitingForRelayBytes = 0;
                }
                relay.sendLink(new LinkFrame.CircuitData(circuitId, part));
            }
            promise.setSuccess();
        } finally {
            bytes.release();
        }
    }

    /**
     * The connection inside closes: tell the relay, unless it told us. The in-memory channel closes on the next turn
     * of the loop: closing it at once would report the close before the error that caused it (a TLS failure, say).
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        finish();
        circuits.transport().loop().execute(() -> ctx.close(promise));
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (!closedByRelay) {
            relay.sendLink(new LinkFrame.CircuitClose(circuitId, ErrorCode.IDLE, "its other end closed it: " + whyInnerClosed()));
        }
        circuits.forget(this);
    }

    /** Why the connection inside closed, without the peer's name (the other end knows it): for the other end. */
    private String whyInnerClosed() {
        if (inner == null) {
            return "the connection inside never started";
        }
        String message = inner.closeReason().getMessage();
        int reason = message.indexOf(UNREACHABLE);
        return reason < 0 ? message : message.substring(reason + UNREACHABLE.length());
    }

    /** The relay closed the circuit, or the connection to it went: the connection inside ends with this reason. */
    void closedByRelay(String reason) {
        closedByRelay = true;
        PeerUnreachableException failure = new PeerUnreachableException(label(), reason, null);
        if (inner == null) {
            finish();
            if (opened != null) {
                opened.completeExceptionally(failure);
            }
        } else {
            inner.closeBecause(failure);
            finish();
        }
    }

    /** This end gives up on the circuit (the relay took too long to open it), telling the relay. */
    void giveUp(String reason) {
        close(ErrorCode.IDLE, reason);
    }

    /** Closes the circuit from this end, telling the relay why. */
    private void close(ErrorCode code, String reason) {
        if (!closedByRelay) {
            relay.sendLink(new LinkFrame.CircuitClose(circuitId, code, reason));
        }
        closedByRelay(reason);
    }
}
