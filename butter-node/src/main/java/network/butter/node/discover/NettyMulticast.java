package network.butter.node.discover;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import network.butter.env.Multicast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Multicast}: an IPv4 UDP socket joined to the discovery group on one network interface, on
 * the node's own Netty event loop, so datagrams reach the protocol without a thread hop.
 *
 * <p>Datagrams go out with a TTL of 1 (the LAN segment only). The socket is bound to the wildcard address with
 * {@code SO_REUSEADDR}, so several nodes of one machine can share the group's port; multicast loop-back stays on
 * so that they also hear each other, and each socket drops the datagrams it sent itself by comparing their
 * bytes with what it sent last. Datagrams longer than {@link Multicast#MAX_DATAGRAM_BYTES} are dropped.
 */
public final class NettyMulticast implements Multicast {

    /** How many of its own recent datagrams a socket remembers, to recognise them when they loop back. */
    private static final int RECENTLY_SENT = 4;

    /** The IPv4 wildcard address, written as a literal so that no name lookup happens. */
    private static final String IPV4_WILDCARD = "0.0.0.0";

    private static final Logger log = LoggerFactory.getLogger(NettyMulticast.class);

    private final DatagramChannel channel;
    private final InetSocketAddress group;
    private final NetworkInterface networkInterface;
    private final ArrayDeque<byte[]> recentlySent = new ArrayDeque<>(RECENTLY_SENT);
    private volatile Listener listener;
    private boolean sendFailing;

    private NettyMulticast(DatagramChannel channel, InetSocketAddress group, NetworkInterface networkInterface) {
        this.channel = channel;
        this.group = group;
        this.networkInterface = networkInterface;
    }

    /**
     * Opens the socket and joins the group; receiving starts with {@link #start}. Blocks until joined, so call
     * it off the event loop.
     *
     * @param loop       the node's event loop: the socket is registered on it
     * @param config     group, port and interface
     * @param listenHost the node's listening address, from which the interface is derived when none is named
     * @throws IllegalArgumentException if the interface does not exist or cannot multicast
     * @throws IllegalStateException    if the socket cannot be bound or the group joined
     */
    public static NettyMulticast open(EventLoop loop, DiscoveryConfig config, String listenHost) {
        Objects.requireNonNull(loop, "loop");
        InetAddress groupAddress = config.groupAddress();
        NetworkInterface networkInterface = MulticastInterface.resolve(config.interfaceName(), listenHost,
            groupAddress);
        InetSocketAddress group = new InetSocketAddress(groupAddress, config.port());
        Receiver receiver = new Receiver();
        ChannelFuture bound = new Bootstrap()
            .group(loop)
            .channelFactory(() -> new NioDatagramChannel(SocketProtocolFamily.INET))
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.IP_MULTICAST_IF, networkInterface)
            .option(ChannelOption.IP_MULTICAST_TTL, 1)
            .option(ChannelOption.AUTO_READ, false)
            // One byte more than allowed, so that an oversized datagram shows as such instead of as truncated.
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES + 1))
            .handler(receiver)
            .bind(new InetSocketAddress(IPV4_WILDCARD, config.port()))
            .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot open the discovery socket on UDP port " + config.port() + ": "
                + bound.cause().getMessage(), bound.cause());
        }
        DatagramChannel channel = (DatagramChannel) bound.channel();
        ChannelFuture joined = channel.joinGroup(group, networkInterface).awaitUninterruptibly();
        if (!joined.isSuccess()) {
            channel.close().awaitUninterruptibly();
            throw new IllegalStateException("cannot join the discovery group " + groupAddress.getHostAddress()
                + " on " + networkInterface.getName() + ": " + joined.cause().getMessage(), joined.cause());
        }
        NettyMulticast multicast = new NettyMulticast(channel, group, networkInterface);
        receiver.owner = multicast;
        return multicast;
    }

    /** The interface this socket multicasts on. */
    public NetworkInterface networkInterface() {
        return networkInterface;
    }

    /** The group and port this socket sends to. */
    public InetSocketAddress group() {
        return group;
    }

    @Override
    public void start(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        channel.config().setAutoRead(true);
    }

    /**
     * Sends a datagram to the group.
     *
     * @throws IllegalArgumentException if it is longer than {@link Multicast#MAX_DATAGRAM_BYTES}
     */
    @Override
    public void send(byte[] payload) {
        if (payload.length > MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("a discovery datagram is at most " + MAX_DATAGRAM_BYTES
                + " bytes, got " + payload.length);
        }
        if (!channel.isOpen()) {
            return;
        }
        rememberSent(payload);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), group)).addListener(future -> {
            if (future.isSuccess()) {
                sendFailing = false;
            } else if (!sendFailing) {
                // Logged once per run of failures: a node backing off while lonely would otherwise repeat it.
                sendFailing = true;
                log.warn("cannot multicast to {} on {}: {}", group, networkInterface.getName(),
                    future.cause().getMessage());
            }
        });
    }

    @Override
    public void close() {
        channel.close();
    }

    /** On the loop, like everything that touches {@code recentlySent}. */
    private void rememberSent(byte[] payload) {
        if (!sentHere(payload)) {
            if (recentlySent.size() == RECENTLY_SENT) {
                recentlySent.removeFirst();
            }
            recentlySent.addLast(payload.clone());
        }
    }

    private boolean sentHere(byte[] payload) {
        return recentlySent.stream().anyMatch(sent -> Arrays.equals(sent, payload));
    }

    private void onDatagram(DatagramPacket packet) {
        int length = packet.content().readableBytes();
        if (length > MAX_DATAGRAM_BYTES) {
            log.debug("dropping a datagram of more than {} bytes from {}", MAX_DATAGRAM_BYTES, packet.sender());
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(packet.content());
        Listener current = listener;
        if (current != null && !sentHere(payload)) {
            current.onDatagram(packet.sender().getAddress().getHostAddress(), payload);
        }
    }

    /** Hands datagrams to the owning socket once it exists; reading starts only after that, in start(). */
    private static final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private volatile NettyMulticast owner;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            NettyMulticast current = owner;
            if (current != null) {
                current.onDatagram(packet);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("discovery socket error: {}", cause.toString());
        }
    }
}
