package network.butter.node.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import network.butter.api.ButterException;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.tls.NodeTls;
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
 * <p>Runs on the node's event loop, like everything of its node.
 */
final class Connection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private enum Phase { HANDSHAKE, HELLO, READY, CLOSED }

    private final NettyTransport transport;
    private final boolean outbound;
    private final PeerId expected;
    private final String remoteLabel;
    private Phase phase = Phase.HANDSHAKE;
    private ChannelHandlerContext ctx;
    private PeerId peer;
    private PeerAddress peerAddress;
    private int peerMaxFrameBytes = FrameCodec.MIN_MAX_FRAME_BYTES;
    private ButterException closeReason;
    private long silentIntervals;

    /**
     * @param outbound    whether this node dialled
     * @param expected    the peer id dialled, or null when dialling an address or accepting
     * @param remoteLabel how to name the other end in messages before its id is known
     */
    Connection(NettyTransport transport, boolean outbound, PeerId expected, String remoteLabel) {
        this.transport = transport;
        this.outbound = outbound;
        this.expected = expected;
        this.remoteLabel = remoteLabel;
    }

    boolean outbound() {
        return outbound;
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

    /** Why this connection closed, as the failure to report for requests that were riding on it. */
    ButterException closeReason() {
        return closeReason != null ? closeReason
            : new PeerUnreachableException(peerAddress != null ? peerAddress : remoteLabel, "connection closed", null);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!transport.admit(this)) {
            fail(new PeerUnreachableException(remoteLabel, "connection limit reached", null));
            ctx.close();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            onHandshake(handshake);
        } else if (event instanceof IdleStateEvent idle) {
            onIdle(idle);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void onHandshake(SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            closeWithoutGoAway(new PeerUnreachableException(remoteLabel,
                "TLS handshake failed: " + rootMessage(handshake.cause()), handshake.cause()));
            return;
        }
        try {
            peer = NodeTls.peerOf(ctx.pipeline().get(SslHandler.class).engine().getSession());
        } catch (SSLException e) {
            closeWithoutGoAway(new PeerUnreachableException(remoteLabel, e.getMessage(), e));
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
        phase = Phase.HELLO;
        ctx.writeAndFlush(transport.hello());
        ctx.executor().schedule(() -> {
            if (phase == Phase.HELLO) {
                goAway(ErrorCode.PROTOCOL_ERROR, "no HELLO within " + NettyTransport.HELLO_TIMEOUT_MS + " ms");
            }
        }, NettyTransport.HELLO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Called every idle-check interval while nothing is read; {@code isFirst} marks the first after a read. */
    private void onIdle(IdleStateEvent idle) {
        silentIntervals = idle.isFirst() ? 1 : silentIntervals + 1;
        long silentMs = silentIntervals * transport.idleCheckIntervalMs();
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        if (decoder != null && decoder.hasPartialFrame()) {
            if (silentMs >= NettyTransport.STALLED_FRAME_MS) {
                goAway(ErrorCode.PROTOCOL_ERROR, "sender stalled in the middle of a frame for " + silentMs + " ms");
            }
        } else if (phase == Phase.READY && silentMs >= transport.idleTimeoutMs() && transport.idle(this)) {
            goAway(ErrorCode.IDLE, "connection idle for " + silentMs + " ms");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        switch (phase) {
            case HELLO -> onHello(frame);
            case READY -> onReadyFrame(frame);
            case HANDSHAKE, CLOSED -> log.debug("dropping {} on a connection that is not open", frame);
        }
    }

    private void onHello(Frame frame) {
        if (!(frame instanceof Frame.Hello hello)) {
            goAway(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got " + frame.getClass().getSimpleName());
            return;
        }
        if (hello.version() != FrameCodec.PROTOCOL_VERSION) {
            goAway(ErrorCode.UNSUPPORTED_VERSION, "this node speaks protocol version " + FrameCodec.PROTOCOL_VERSION
                + ", the peer version " + hello.version());
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        int port = hello.listenPort() != 0 ? hello.listenPort() : remote.getPort();
        peerAddress = PeerAddress.of(peer, new InetSocketAddress(remote.getAddress(), port));
        peerMaxFrameBytes = hello.maxFrameBytes();
        phase = Phase.READY;
        transport.onReady(this);
    }

    private void onReadyFrame(Frame frame) {
        switch (frame) {
            case Frame.Hello h -> goAway(ErrorCode.PROTOCOL_ERROR, "a second HELLO");
            case Frame.GoAway g -> {
                ButterException reason = new PeerUnreachableException(peerAddress,
                    "it closed the connection (" + g.code() + ": " + g.message() + ")", null);
                closeWithoutGoAway(reason, isRoutine(g.code()));
            }
            default -> transport.onFrame(this, frame);
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
                case Frame.Response r -> ctx.writeAndFlush(
                    new Frame.Failure(r.requestId(), ErrorCode.PAYLOAD_TOO_LARGE, why), ctx.voidPromise());
                default -> log.warn("not sending {}: {}", frame, why);
            }
            return;
        }
        ctx.writeAndFlush(frame, ctx.voidPromise());
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
            closeWithoutGoAway(new PeerUnreachableException(label(), "TLS failed: " + rootMessage(root), root));
        } else if (root instanceof java.io.IOException) {
            closeWithoutGoAway(new PeerUnreachableException(label(), rootMessage(root), root));
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
        } else {
            log.warn("closing connection with {}: {} ({})", label(), message, code);
        }
        markClosed();
        ctx.writeAndFlush(new Frame.GoAway(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeWithoutGoAway(ButterException reason) {
        closeWithoutGoAway(reason, false);
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
        ctx.close();
    }

    private void fail(ButterException reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** Closing for idleness or shutdown is part of normal life, not worth more than a debug line. */
    private static boolean isRoutine(ErrorCode code) {
        return code == ErrorCode.IDLE || code == ErrorCode.SHUTTING_DOWN;
    }

    private String label() {
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
