package network.butter.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.identity.NodeIdentity;
import network.butter.node.tls.NodeTls;

/**
 * The baseline: a raw Netty echo server and client on 127.0.0.1 with nothing but what any request/response
 * protocol over TLS needs. It uses the same TLS setup as Butter ({@link NodeTls}: TLS 1.3, JDK provider,
 * mutual authentication with self-signed Ed25519 certificates), the same NIO transport with TCP_NODELAY,
 * 4-byte length-prefixed frames, and a request id per frame so replies are matched as Butter matches them.
 * It runs on a two-thread NIO event loop group of its own: the server on one loop, the client on the other.
 *
 * <p>What it leaves out is exactly what the comparison prices: Butter's frame types, routes, limits,
 * timeouts, handler threads and future completion.
 */
final class NettyEchoTarget implements EchoTarget {

    private static final int LENGTH_FIELD_BYTES = 4;
    private static final long START_TIMEOUT_MS = 10_000;
    private final String name;
    private final String threadPrefix;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Channel clientChannel;
    private final NettyEchoClientHandler client;

    private NettyEchoTarget(String name, String threadPrefix, EventLoopGroup group, Channel serverChannel,
                            Channel clientChannel, NettyEchoClientHandler client) {
        this.name = name;
        this.threadPrefix = threadPrefix;
        this.group = group;
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.client = client;
    }

    /**
     * Starts the server, connects the client and completes the TLS handshake.
     *
     * @param name           the name in the report; its event loop threads are named after it, so that two instances
     *                       in one process (an A/A run) count their CPU apart
     * @param maxConcurrency the most requests the client will have outstanding
     * @throws IllegalStateException if any of that fails within {@value #START_TIMEOUT_MS} ms
     */
    static NettyEchoTarget start(String name, int maxConcurrency) {
        String threadPrefix = name + "-baseline";
        NodeTls serverTls = NodeTls.create(NodeIdentity.generate(new SecureRandom()), new SecureRandom(), Instant.now());
        NodeTls clientTls = NodeTls.create(NodeIdentity.generate(new SecureRandom()), new SecureRandom(), Instant.now());
        int maxFrameBytes = Limits.defaults().maxFrameBytes();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(threadPrefix, true),
            NioIoHandler.newFactory());
        try {
            EventLoop serverLoop = group.next();
            EventLoop clientLoop = group.next();
            Channel serverChannel = new ServerBootstrap()
                .group(serverLoop, serverLoop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        framed(ch.pipeline().addLast("tls", serverTls.server().newHandler(ch.alloc())), maxFrameBytes)
                            .addLast("echo", new NettyEchoServerHandler());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
            int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
            NettyEchoClientHandler handler = new NettyEchoClientHandler(maxConcurrency);
            Channel clientChannel = new Bootstrap()
                .group(clientLoop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = clientTls.client().newHandler(ch.alloc(), "127.0.0.1", port);
                        framed(ch.pipeline().addLast("tls", tls), maxFrameBytes).addLast("client", handler);
                    }
                })
                .connect("127.0.0.1", port)
                .syncUninterruptibly()
                .channel();
            Future<Channel> handshake = clientChannel.pipeline().get(SslHandler.class).handshakeFuture();
            if (!handshake.awaitUninterruptibly(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the baseline's TLS handshake did not finish within "
                    + START_TIMEOUT_MS + " ms");
            }
            if (!handshake.isSuccess()) {
                throw new IllegalStateException("the baseline's TLS handshake failed", handshake.cause());
            }
            return new NettyEchoTarget(name, threadPrefix, group, serverChannel, clientChannel, handler);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static ChannelPipeline framed(ChannelPipeline pipeline, int maxFrameBytes) {
        return pipeline
            .addLast("decoder", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, LENGTH_FIELD_BYTES, 0,
                LENGTH_FIELD_BYTES))
            .addLast("encoder", new LengthFieldPrepender(LENGTH_FIELD_BYTES));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long cpuNanos() {
        return ThreadCpu.nanos(threadPrefix);
    }

    @Override
    public long allocatedBytes() {
        return ThreadCpu.allocatedBytes(threadPrefix);
    }

    @Override
    public void call(int slot, byte[] payload, Completion done) {
        EventLoop loop = clientChannel.eventLoop();
        if (loop.inEventLoop()) {
            client.send(slot, payload, done);
        } else {
            loop.execute(() -> client.send(slot, payload, done));
        }
    }

    @Override
    public void close() {
        try {
            clientChannel.close().awaitUninterruptibly(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            serverChannel.close().awaitUninterruptibly(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
