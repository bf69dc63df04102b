package network.butter.node.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.WireFormatException;

/**
 * A bare TLS client that writes whatever bytes a test gives it and records every byte it receives: a
 * stand-in for a misbehaving or malicious peer, which a real node cannot be made to imitate. Each side of a
 * Butter connection sends HELLO right after the handshake, so {@link #frames()} usually begins with the
 * node's HELLO.
 */
public final class RawTlsClient implements AutoCloseable {

    /** Bound on connecting, and on each write or close: all local, so generous. */
    private static final int TIMEOUT_MS = 10_000;

    private final Channel channel;
    private final SslHandler tls;
    private final Recorder recorder;

    private RawTlsClient(Channel channel, Recorder recorder) {
        this.channel = channel;
        this.tls = channel.pipeline().get(SslHandler.class);
        this.recorder = recorder;
    }

    /**
     * Connects and starts the TLS handshake; it has not necessarily finished on return, see {@link #handshake()}.
     *
     * @param group   the event loops to run the client on
     * @param context the client's TLS context, which decides the certificate it presents
     * @param node    the node to connect to (only its host and port are used: the context decides trust)
     */
    public static RawTlsClient connect(EventLoopGroup group, SslContext context, PeerAddress node) {
        return connect(group, context, node.host(), node.port(), null);
    }

    /**
     * Like {@link #connect(EventLoopGroup, SslContext, PeerAddress)}, from a chosen local address.
     *
     * @param localHost the address to connect from (e.g. {@code 127.0.0.2}), or null for any
     */
    public static RawTlsClient connect(EventLoopGroup group, SslContext context, String host, int port,
                                       String localHost) {
        Recorder recorder = new Recorder();
        Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_MS)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("tls", context.newHandler(ch.alloc())).addLast("recorder", recorder);
                }
            });
        ChannelFuture connected = (localHost == null ? bootstrap.connect(host, port)
            : bootstrap.connect(new InetSocketAddress(host, port), new InetSocketAddress(localHost, 0)))
            .syncUninterruptibly();
        return new RawTlsClient(connected.channel(), recorder);
    }

    /** Completes when the handshake has finished on this side, or failed. */
    public Future<Channel> handshake() {
        return tls.handshakeFuture();
    }

    /** Writes raw bytes (encrypted by TLS, nothing else added) and waits, bounded, until written or failed. */
    public void send(byte[] bytes) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).awaitUninterruptibly(TIMEOUT_MS);
    }

    /** Writes frames, encoded with the widest codec, as one write. */
    public void send(Frame... frames) {
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        FrameCodec codec = new FrameCodec(FrameCodec.MAX_MAX_FRAME_BYTES);
        for (Frame frame : frames) {
            try {
                codec.encode(frame, out);
            } catch (FrameTooLargeException e) {
                throw new IllegalArgumentException(e);
            }
        }
        send(Arrays.copyOf(out.array(), out.position()));
    }

    /** Completes when the connection has closed, from either end. */
    public Future<Void> closed() {
        return channel.closeFuture();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Every byte received so far, after TLS. */
    public byte[] received() {
        return recorder.received();
    }

    /**
     * The complete frames received so far, decoded; a partial frame at the end is left out.
     *
     * @throws IllegalStateException if the node sent bytes that are not frames
     */
    public List<Frame> frames() {
        FrameCodec codec = new FrameCodec(FrameCodec.MAX_MAX_FRAME_BYTES);
        ByteBuffer in = ByteBuffer.wrap(received());
        List<Frame> frames = new ArrayList<>();
        while (in.remaining() >= FrameCodec.LENGTH_FIELD_BYTES
            && in.remaining() - FrameCodec.LENGTH_FIELD_BYTES >= in.getInt(in.position())) {
            int length = in.getInt();
            try {
                frames.add(codec.decode(in.slice(in.position(), length)));
            } catch (WireFormatException e) {
                throw new IllegalStateException("the node sent a malformed frame after " + frames, e);
            }
            in.position(in.position() + length);
        }
        return frames;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(TIMEOUT_MS);
    }

    /** Appends what arrives; closes on any error, as the test only cares whether the node hung up. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        byte[] received() {
            synchronized (received) {
                return received.toByteArray();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.readBytes(copy);
                synchronized (received) {
                    received.writeBytes(copy);
                }
            } finally {
                bytes.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
