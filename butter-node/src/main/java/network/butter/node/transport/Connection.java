package network.butter.node.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import network.butter.api.ButterException;
import network.butter.api.OverloadedException;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.env.TimerGrid;
import network.butter.node.tls.NodeTls;
import network.butter.node.transport.BadConnectionLog.Kind;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection to a peer: handshake, identity check, HELLO exchange, then frames up to the
 * {@link NettyTransport}. Anything wrong on the connection (bad TLS, wrong key, bad frame, unknown type,
 * stalled sender) ends in a GOAWAY with a precise reason where possible, one log line, and a close of this
 * connection only.
 *
 * <p>The dialler sends its HELLO as soon as TLS is done; the accepting side answers with its own HELLO only once
 * it has found the authenticated peer a connection slot, and otherwise with {@code GOAWAY OVERLOADED} saying which
 * limit it is at, so a refused dialler learns why. From TCP connect to HELLO a connection has
 * {@link network.butter.api.Limits#handshakeTimeout()}. Until then, inbound connections are strangers: their
 * failures go to the {@link BadConnectionLog}, one short DEBUG line each.
 *
 * <p>Frames are written without a flush each: a write during a read from this connection is flushed when the read
 * completes (a request's answer, the next request of a caller answered), any other once the loop is done with the
 * task that wrote it, or after {@value #WRITES_PER_FLUSH} writes, whichever comes first; so a burst becomes one TLS
 * record and one system call, with no handler of its own in the pipeline. Writes still pending when the channel is
 * closed, by this connection or by anyone else, are flushed before the close, so a reply or a GOAWAY written just
 * before it is not lost. An in-memory circuit channel, whose loop runs tasks only when its relay connection pushes
 * data, flushes every frame.
 *
 * <p>Runs on the node's event loop, like everything of its node.
 */
final class Connection extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    /** Frames written before a flush at the latest, as the consolidating handler this replaces did. */
    static final int WRITES_PER_FLUSH = 256;

    private enum Phase { HANDSHAKE, HELLO, READY, CLOSED }

    private final NettyTransport transport;
    private final boolean outbound;
    private final PeerId expected;
    private final String remoteLabel;
    private final Setup setup;
    private PeerAddress advertised;
    private boolean refusedAdvertisement;
    private InetSocketAddress remoteSocket;
    private Phase phase = Phase.HANDSHAKE;
    private ChannelHandlerContext ctx;
    private PeerId peer;
    private PeerAddress peerAddress;
    private int peerMaxFrameBytes = FrameCodec.MIN_MAX_FRAME_BYTES;
    private ButterException closeReason;
    private InetAddress remoteAddress;
    private ScheduledFuture<?> handshakeDeadline;
    private ScheduledFuture<?> idleCheck;
    private long lastReadNanos;
    private boolean carriedRequest;
    /**
     * The address the current read's requests, responses and failures were passed up from, once one was (the runtime
     * then told its "peer heard" listeners); null between reads.
     */
    private PeerAddress heardInRead;
    /** Whether frames of a read from this connection are being handled: writes then flush when it completes. */
    private boolean reading;
    /** Frames written and not flushed yet. */
    private int unflushedWrites;
    /** Whether a flush is scheduled on the loop for writes made outside a read. */
    private boolean flushScheduled;
    private boolean consolidateFlushes;
    private final Runnable scheduledFlush = this::scheduledFlush;

    /**
     * How a connection came to be, beyond who dialled: a plain TCP connection, a punched one, a circuit through a
     * relay (whose end supplies the relay's address), or a dial-back probe that closes once the key is proven.
     */
    record Setup(PathKind path, boolean probe, CircuitEnd circuit) {
        static final Setup DIRECT = new Setup(PathKind.DIRECT, false, null);
        static final Setup PROBE = new Setup(PathKind.DIRECT, true, null);
        static final Setup PUNCHED = new Setup(PathKind.PUNCHED, false, null);

        static Setup circuit(CircuitEnd end) {
            return new Setup(PathKind.RELAYED, false, end);
        }
    }

    /**
     * @param outbound    whether this node dialled (for a punched connection: whether this node is its TLS client)
     * @param expected    the peer id dialled, or null when dialling an address or accepting
     * @param remoteLabel how to name the other end in messages before its id is known
     */
    Connection(NettyTransport transport, boolean outbound, PeerId expected, String remoteLabel) {
        this(transport, outbound, expected, remoteLabel, Setup.DIRECT);
    }

    /** A connection set up as {@code setup} says. */
    Connection(NettyTransport transport, boolean outbound, PeerId expected, String remoteLabel, Setup setup) {
        this.transport = transport;
        this.outbound = outbound;
        this.expected = expected;
        this.remoteLabel = remoteLabel;
        this.setup = setup;
    }

    /** How frames on this connection travel: directly, punched, or through a relay. */
    PathKind path() {
        return setup.path();
    }

    /** The circuit this connection runs in, or null for a TCP connection of its own. */
    CircuitEnd circuit() {
        return setup.circuit();
    }

    /**
     * The address this connection's TCP socket is connected to, as this node sees it; for a circuit, the relay's.
     * Known once the channel is active.
     */
    InetSocketAddress remoteSocket() {
        return remoteSocket;
    }

    /** The largest frame the peer accepts, in bytes (as its HELLO said; the minimum until then). */
    int peerMaxFrameBytes() {
        return peerMaxFrameBytes;
    }

    boolean outbound() {
        return outbound;
    }

    /** The peer id this connection must prove, or null if any will do. */
    PeerId expected() {
        return expected;
    }

    boolean ready() {
        return phase == Phase.READY;
    }

    PeerId peer() {
        return peer;
    }

    PeerAddress peerAddress() {
        return peerAddress;
    }

    Channel channel() {
        return ctx.channel();
    }

    /** The other end's IP address (known once the channel is active). */
    InetAddress remoteAddress() {
        return remoteAddress;
    }

    /** Whether the peer has sent at least one request on this connection. */
    boolean carriedRequest() {
        return carriedRequest;
    }

    /** How long nothing has arrived on this connection, in milliseconds. */
    long silentMs() {
        return (System.nanoTime() - lastReadNanos) / 1_000_000;
    }

    /** Why this connection closed, as the failure to report for requests that were riding on it. */
    ButterException closeReason() {
        return closeReason != null ? closeReason
            : new PeerUnreachableException(peerAddress != null ? peerAddress : remoteLabel, "connection closed", null);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.consolidateFlushes = !(ctx.channel() instanceof EmbeddedChannel);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remoteSocket = setup.circuit() != null ? setup.circuit().relaySocket()
            : (InetSocketAddress) ctx.channel().remoteAddress();
        remoteAddress = remoteSocket.getAddress();
        lastReadNanos = System.nanoTime();
        String refusal = setup.circuit() != null ? transport.admitCircuit(this)
            : outbound ? transport.admitOutbound(this) : transport.admitInbound(this);
        if (refusal != null) {
            fail(new OverloadedException("cannot connect to " + remoteLabel + ": " + refusal));
            markClosed();
            closeChannel();
            return;
        }
        long timeoutMs = transport.handshakeTimeoutMs();
        handshakeDeadline = TimerGrid.schedule(ctx.executor(), timeoutMs, () -> closeUnlessReady(Kind.TIMED_OUT,
            "no HELLO within " + timeoutMs + " ms of connecting"));
        scheduleIdleCheck();
        ctx.fireChannelActive();
    }

    /** Closes a connection still in its handshake: the deadline passed, or the budget needs its place. */
    void closeUnlessReady(Kind kind, String why) {
        if (phase == Phase.HANDSHAKE || phase == Phase.HELLO) {
            closeWithoutGoAway(kind, new PeerUnreachableException(label(), why, null));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            onHandshake(handshake);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void onHandshake(SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            Throwable cause = handshake.cause();
            closeWithoutGoAway(handshakeFailureKind(cause),
                new PeerUnreachableException(remoteLabel, handshakeFailure(cause), cause));
            return;
        }
        try {
            peer = NodeTls.peerOf(ctx.pipeline().get(SslHandler.class).engine().getSession());
        } catch (SSLException e) {
            closeWithoutGoAway(Kind.TLS_FAILED, new PeerUnreachableException(remoteLabel, e.getMessage(), e));
            return;
        }
        if (expected != null && !expected.equals(peer)) {
            closeWithoutGoAway(new PeerIdentityMismatchException(remoteLabel, expected, peer));
            return;
        }
        if (peer.equals(transport.localId())) {
            closeWithoutGoAway(new PeerUnreachableException(remoteLabel, "it is this node itself", null));
            return;
        }
        if (setup.probe()) {
            transport.onProbed(this);
            goAway(ErrorCode.IDLE, "dial-back probe done");
            return;
        }
        phase = Phase.HELLO;
        if (outbound) {
            sendHello();
        }
    }

    /** Sends this node's advertised address, if it has one, then its HELLO: the peer then knows both at once. */
    private void sendHello() {
        PeerAddress self = transport.advertisement();
        if (self != null) {
            ctx.write(new LinkFrame.Advertise(self), ctx.voidPromise());
        }
        ctx.writeAndFlush(transport.hello());
    }

    /**
     * Tells the peer this node's new address, once this node has said HELLO; until then the ADVERTISE that precedes
     * the HELLO carries it.
     */
    void advertise(PeerAddress self) {
        if (phase == Phase.READY || phase == Phase.HELLO && outbound) {
            ctx.writeAndFlush(new LinkFrame.Advertise(self), ctx.voidPromise());
        }
    }

    /** A handshake that timed out, one the remote end closed (Netty reports a closed channel), or a TLS failure. */
    private static Kind handshakeFailureKind(Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return Kind.TIMED_OUT;
        }
        return cause instanceof ClosedChannelException ? Kind.ABANDONED : Kind.TLS_FAILED;
    }

    /** Closes this connection for {@code reason}, without a GOAWAY: what carried it is gone. */
    void closeBecause(ButterException reason) {
        closeWithoutGoAway(reason, false);
    }

    /**
     * What a failed handshake tells the dialler. A node that closes before TLS is done has refused the connection
     * outright: it is not a Butter node, or it is at its limit of handshakes from this address.
     */
    private String handshakeFailure(Throwable cause) {
        String root = rootMessage(cause);
        if (outbound && (cause instanceof ClosedChannelException || root.endsWith("ClosedChannelException"))) {
            return "it closed the connection during the TLS handshake (not a Butter node, or at its limit of"
                + " connections in handshake from this address)";
        }
        return "TLS handshake failed: " + root;
    }

    /** Checks for idleness or a stalled frame in an idle-check interval, on the loop's {@link TimerGrid}. */
    private void scheduleIdleCheck() {
        idleCheck = TimerGrid.schedule(ctx.executor(), transport.idleCheckIntervalMs(this), this::checkIdle);
    }

    /** Closes a connection silent for its idle timeout with nothing in flight, or one stalled inside a frame. */
    private void checkIdle() {
        if (phase == Phase.CLOSED) {
            return;
        }
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        long silentMs = decoder == null ? silentMs() : decoder.silentMs();
        if (decoder != null && decoder.hasPartialFrame()) {
            if (silentMs >= NettyTransport.STALLED_FRAME_MS) {
                goAway(ErrorCode.PROTOCOL_ERROR, "sender stalled in the middle of a frame for " + silentMs + " ms");
                return;
            }
        } else if (phase == Phase.READY && silentMs >= transport.idleTimeoutMs(this) && transport.idle(this)) {
            goAway(ErrorCode.IDLE, "connection idle for " + silentMs + " ms");
            return;
        }
        scheduleIdleCheck();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        lastReadNanos = System.nanoTime();
        if (msg instanceof LinkFrame link) {
            onLinkFrame(link);
            return;
        }
        Frame frame = (Frame) msg;
        switch (phase) {
            case HELLO -> onHello(frame);
            case READY -> onReadyFrame(frame);
            case HANDSHAKE, CLOSED -> log.debug("dropping {} on a connection that is not open", frame);
        }
    }

    private void onLinkFrame(LinkFrame frame) {
        if (frame instanceof LinkFrame.Advertise advertise) {
            if (phase == Phase.HELLO || phase == Phase.READY) {
                onAdvertise(advertise.address());
            }
        } else if (phase != Phase.READY) {
            goAway(ErrorCode.PROTOCOL_ERROR, "a circuit frame before HELLO");
        } else if (setup.circuit() != null) {
            goAway(ErrorCode.PROTOCOL_ERROR, "a circuit frame inside a circuit");
        } else {
            transport.onCircuitFrame(this, frame);
        }
    }

    /**
     * The peer says where it wants to be reached. Only an address with its own, authenticated id is taken: frames of
     * this connection are reported as coming from it from now on.
     */
    private void onAdvertise(PeerAddress address) {
        if (!address.id().equals(peer)) {
            // Once at WARN per connection: a peer repeating the claim cannot flood the log.
            if (refusedAdvertisement) {
                log.debug("refusing the address {} that {} advertised again: it is not that peer's id", address, label());
            } else {
                log.warn("refusing the address {} that {} advertised: it is not that peer's id", address, label());
            }
            refusedAdvertisement = true;
            return;
        }
        advertised = address;
        if (phase == Phase.READY && !address.equals(peerAddress)) {
            log.debug("{} now advertises {}", label(), address);
            peerAddress = address;
            transport.onAdvertised(this);
        }
    }

    private void onHello(Frame frame) {
        if (frame instanceof Frame.GoAway refused) {
            if (isRoutine(refused.code())) {
                closeWithoutGoAway(refusedBy(refused), true); // a dial-back probe that has seen the key it wanted
            } else {
                closeWithoutGoAway(Kind.PROTOCOL_ERROR, refusedBy(refused));
            }
            return;
        }
        if (!(frame instanceof Frame.Hello hello)) {
            goAway(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got " + frame.getClass().getSimpleName());
            return;
        }
        if (hello.version() != FrameCodec.PROTOCOL_VERSION) {
            goAway(ErrorCode.UNSUPPORTED_VERSION, "this node speaks protocol version " + FrameCodec.PROTOCOL_VERSION
                + ", the peer version " + hello.version());
            return;
        }
        int port = hello.listenPort() != 0 ? hello.listenPort() : remoteSocket.getPort();
        peerAddress = advertised != null ? advertised
            : setup.circuit() != null ? PeerAddress.relayed(peer, setup.circuit().relayAddress())
            : PeerAddress.of(peer, new InetSocketAddress(remoteAddress, port));
        peerMaxFrameBytes = hello.maxFrameBytes();
        if (!outbound) {
            String refusal = setup.circuit() != null ? null : transport.authenticate(this);
            if (refusal != null) {
                goAway(ErrorCode.OVERLOADED, refusal);
                return;
            }
            sendHello();
        }
        phase = Phase.READY;
        handshakeDeadline.cancel(false);
        transport.onReady(this);
    }

    /** The failure for a dial the other node answered with GOAWAY instead of HELLO. */
    private ButterException refusedBy(Frame.GoAway goAway) {
        String message = BadConnectionLog.shorten(goAway.message());
        return goAway.code() == ErrorCode.OVERLOADED
            ? new OverloadedException("peer " + label() + " refused the connection: " + message)
            : new PeerUnreachableException(label(), "it refused the connection (" + goAway.code() + ": " + message + ")",
                null);
    }

    private void onReadyFrame(Frame frame) {
        // Tested with instanceof rather than a pattern switch: this runs for every frame.
        if (frame instanceof Frame.Request) {
            carriedRequest = true;
            passUpHeard(frame);
        } else if (frame instanceof Frame.Response || frame instanceof Frame.Failure) {
            passUpHeard(frame);
        } else if (frame instanceof Frame.GoAway g) {
            ButterException reason = new PeerUnreachableException(peerAddress,
                "it closed the connection (" + g.code() + ": " + g.message() + ")", null);
            closeWithoutGoAway(reason, isRoutine(g.code()));
        } else if (frame instanceof Frame.Hello) {
            goAway(ErrorCode.PROTOCOL_ERROR, "a second HELLO");
        } else {
            transport.onFrame(this, frame);
        }
    }

    /**
     * Passes up a frame the runtime reports as the peer heard, saying whether an earlier one of this read, from the
     * same address, already was: its listeners are then told once per read, not once per frame.
     */
    private void passUpHeard(Frame frame) {
        PeerAddress from = peerAddress;
        transport.onFrame(this, frame, from == heardInRead);
        heardInRead = from;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        heardInRead = null;
        reading = false;
        flushWrites();
        ctx.fireChannelReadComplete();
    }

    /**
     * Writes a frame and sees that it is flushed: when the read in progress completes, else by a task on the loop
     * (see the class comment).
     */
    private void write(Object frame) {
        if (!consolidateFlushes) {
            ctx.writeAndFlush(frame, ctx.voidPromise());
            return;
        }
        ctx.write(frame, ctx.voidPromise());
        if (++unflushedWrites >= WRITES_PER_FLUSH) {
            flushWrites();
        } else if (!reading && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(scheduledFlush);
        }
    }

    /** Flushes pending writes before any close of the channel passes on (see the class comment). */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        flushWrites();
        ctx.close(promise);
    }

    /** Closes the channel from this handler, flushing pending writes first: {@code ctx.close()} skips this handler. */
    private void closeChannel() {
        flushWrites();
        ctx.close();
    }

    private void scheduledFlush() {
        flushScheduled = false;
        flushWrites();
    }

    private void flushWrites() {
        if (unflushedWrites > 0) {
            unflushedWrites = 0;
            ctx.flush();
        }
    }

    /** Writes a frame, unless it is larger than the peer accepts: then the request fails precisely instead. */
    void send(Frame frame) {
        if (phase != Phase.READY) {
            return;
        }
        int size = transport.codec().frameLength(frame);
        if (size > peerMaxFrameBytes) {
            String why = "frame of " + size + " bytes exceeds the " + peerMaxFrameBytes + " bytes " + peerAddress + " accepts";
            switch (frame) {
                case Frame.Request r -> transport.onFrame(this,
                    new Frame.Failure(r.requestId(), ErrorCode.PAYLOAD_TOO_LARGE, why));
                case Frame.Response r -> write(new Frame.Failure(r.requestId(), ErrorCode.PAYLOAD_TOO_LARGE, why));
                default -> log.warn("not sending {}: {}", frame, why);
            }
            return;
        }
        write(frame);
    }

    /** Writes one of the transport's own frames, if the connection is open. */
    void sendLink(LinkFrame frame) {
        if (phase == Phase.READY) {
            write(frame);
        }
    }

    /** Whether the socket takes more without queueing beyond its high water mark. */
    boolean writable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Back-pressure: while we cannot write fast enough to this peer, stop reading its requests.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof WireFormatException wire) {
            goAway(wire.code(), wire.getMessage());
        } else if (root instanceof SSLException) {
            closeWithoutGoAway(Kind.TLS_FAILED, new PeerUnreachableException(label(), "TLS failed: "
                + BadConnectionLog.shorten(rootMessage(root)), root));
        } else if (root instanceof java.io.IOException) {
            closeWithoutGoAway(Kind.TLS_FAILED, new PeerUnreachableException(label(), rootMessage(root), root));
        } else {
            log.warn("unexpected error on the connection with {}; closing it", label(), root);
            closeWithoutGoAway(new PeerUnreachableException(label(), "internal error: " + rootMessage(root), root));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        markClosed();
        ctx.fireChannelInactive();
    }

    /**
     * Stops this connection carrying anything and tells the transport at once, not when the close completes:
     * a frame handed to a closing connection would be lost without a word.
     */
    private void markClosed() {
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            if (handshakeDeadline != null) {
                handshakeDeadline.cancel(false);
            }
            if (idleCheck != null) {
                idleCheck.cancel(false);
            }
            transport.onClosed(this);
        }
    }

    /** Tells the peer why, then closes. Logged once. */
    void goAway(ErrorCode code, String message) {
        if (phase == Phase.CLOSED) {
            return;
        }
        fail(new PeerUnreachableException(label(), "closed by this node (" + code + ": " + message + ")", null));
        if (isRoutine(code)) {
            log.debug("closing connection with {}: {} ({})", label(), message, code);
        } else if (!outbound) {
            // Anyone can connect, with as many keys as they like: inbound trouble is summarised, not logged one by one.
            transport.badConnection(this, code == ErrorCode.OVERLOADED ? Kind.OVER_LIMIT : Kind.PROTOCOL_ERROR,
                message + " (" + code + ")");
        } else {
            log.warn("closing connection with {}: {} ({})", label(), message, code);
        }
        markClosed();
        ctx.writeAndFlush(new Frame.GoAway(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeWithoutGoAway(ButterException reason) {
        closeWithoutGoAway(reason, false);
    }

    /** Closes; an inbound connection still in its handshake is recorded as a bad connection of that kind. */
    private void closeWithoutGoAway(Kind kind, ButterException reason) {
        if (phase != Phase.CLOSED && stranger()) {
            fail(reason);
            transport.badConnection(this, kind, reason.getMessage());
            markClosed();
            closeChannel();
        } else {
            closeWithoutGoAway(reason, false);
        }
    }

    private void closeWithoutGoAway(ButterException reason, boolean routine) {
        if (phase == Phase.CLOSED) {
            return;
        }
        fail(reason);
        if (routine) {
            log.debug("connection with {} closed: {}", label(), reason.getMessage());
        } else {
            log.info("connection with {} closed: {}", label(), reason.getMessage());
        }
        markClosed();
        closeChannel();
    }

    private void fail(ButterException reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** An inbound connection not yet authenticated and admitted: anyone at all, possibly garbage. */
    private boolean stranger() {
        return !outbound && (phase == Phase.HANDSHAKE || phase == Phase.HELLO);
    }

    /** Closing for idleness or shutdown is part of normal life, not worth more than a debug line. */
    private static boolean isRoutine(ErrorCode code) {
        return code == ErrorCode.IDLE || code == ErrorCode.SHUTTING_DOWN;
    }

    /** How to name the other end in messages: its address, with its id once known. */
    String label() {
        return peerAddress != null ? peerAddress.toString() : peer != null ? peer + "@" + remoteLabel : remoteLabel;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return (outbound ? "outbound " : "inbound ") + label();
    }
}
