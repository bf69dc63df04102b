package network.butter.node.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.Transport;
import network.butter.env.TransportListener;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.tls.NodeTls;
import network.butter.node.wider.InterfaceAddresses;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real transport: TCP with TLS 1.3 via Netty, every channel of the node on the node's own event loop.
 *
 * <p>One connection per peer pair: requests dial on demand; if both sides dial at once, both keep the
 * connection opened by the lower peer id (if one side dialled twice, the older one) and send on it, and the
 * other closes when idle. Connections idle for {@link Limits#idleTimeout()} with nothing in flight are
 * closed and re-dialled when next needed.
 *
 * <p>Who may hold a connection is decided by a {@link ConnectionBudget}: inbound connections in their handshake have
 * a small budget of their own and a cap per source address, and only authenticated ones take connection slots. When
 * every slot is taken, a newly authenticated inbound peer, or a dial of this node's own, takes the slot of the
 * inbound connection that has been silent longest (one that never carried a request first), if any has been silent
 * for {@value #EVICTABLE_AFTER_SILENT_MS} ms with nothing in flight; otherwise the peer is told
 * {@code GOAWAY OVERLOADED}, or the dial fails with {@link OverloadedException}. So idle inbound connections, which
 * anyone with throwaway keys can open, never keep this node from reaching the peers it wants.
 */
public final class NettyTransport implements Transport {

    /** An inbound connection silent this long with nothing in flight may give its slot to a new peer, in milliseconds. */
    static final long EVICTABLE_AFTER_SILENT_MS = 1_000;
    /** How often WARN summarises the bad inbound connections, in milliseconds. */
    static final long BAD_CONNECTION_SUMMARY_MS = 60_000;
    /** How long dialling may take before the peer counts as unreachable, in milliseconds. */
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /** A sender silent this long in the middle of a frame is cut off, in milliseconds. */
    static final long STALLED_FRAME_MS = 30_000;

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final PeerId localId;
    private final NodeTls tls;
    private final EventLoop loop;
    private final Limits limits;
    private final FrameCodec codec;
    private final String bindHost;
    private final int requestedPort;
    private final String advertisedHost;
    private final Set<Connection> connections = new LinkedHashSet<>();
    private final ConnectionBudget budget;
    private final BadConnectionLog badConnections;
    private final Map<PeerId, Connection> primary = new HashMap<>();
    private final Map<PeerId, ArrayDeque<Queued>> dialling = new HashMap<>();
    private final Map<Connection, CompletableFuture<PeerAddress>> pendingDials = new HashMap<>();
    private final Map<HostPort, CompletableFuture<PeerAddress>> dialsByAddress = new HashMap<>();
    private ChannelFactory<? extends Channel> dialChannels = NioSocketChannel::new;
    private TransportListener listener;
    private Channel server;
    private PeerAddress localAddress;
    private CompletableFuture<Void> closed;

    /**
     * @param localId        this node's peer id
     * @param tls            this node's TLS contexts
     * @param loop           the node's event loop: all channels are registered on it
     * @param limits         the node's limits
     * @param bindHost       the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port           the port to listen on, 0 for any free port
     * @param advertisedHost the host other nodes should dial, or null to derive it from {@code bindHost}
     */
    public NettyTransport(PeerId localId, NodeTls tls, EventLoop loop, Limits limits, String bindHost, int port,
                          String advertisedHost) {
        this.localId = localId;
        this.tls = tls;
        this.loop = loop;
        this.limits = limits;
        this.codec = new FrameCodec(limits.maxFrameBytes());
        this.bindHost = bindHost;
        this.requestedPort = port;
        this.advertisedHost = advertisedHost;
        this.budget = new ConnectionBudget(limits);
        this.badConnections = new BadConnectionLog(loop, BAD_CONNECTION_SUMMARY_MS);
    }

    /**
     * Starts listening. Blocks until bound; call it off the event loop.
     *
     * @throws IllegalStateException naming the address if binding fails
     */
    public void bind() {
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(loop, loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    String label = hostPortOf(ch.remoteAddress());
                    pipeline(ch, tls.server().newHandler(ch.alloc()), new Connection(NettyTransport.this, false, null, label));
                }
            });
        ChannelFuture bound = bootstrap.bind(bindHost, requestedPort).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + bindHost + ":" + requestedPort + ": "
                + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        localAddress = new PeerAddress(localId, advertisedHost != null ? advertisedHost : advertise(bindHost), port);
    }

    private static String advertise(String bindHost) {
        return InterfaceAddresses.dialable(bindHost).getFirst();
    }

    private WriteBufferWaterMark waterMark() {
        int high = Math.max(64 * 1024, Math.min(4 * limits.maxFrameBytes(), 16 * 1024 * 1024));
        return new WriteBufferWaterMark(high / 2, high);
    }

    private void pipeline(SocketChannel ch, SslHandler ssl, Connection connection) {
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMs());
        // Only read idleness is watched: every request is answered, so a connection in use always has
        // something to read, and watching writes would cost a promise and a listener on every frame.
        ch.pipeline()
            .addLast("tls", ssl)
            .addLast("idle", new IdleStateHandler(idleCheckIntervalMs(), 0, 0, TimeUnit.MILLISECONDS))
            .addLast("flush", new FlushConsolidationHandler(256, true))
            .addLast("decoder", new FrameDecoder(codec))
            .addLast("encoder", new FrameEncoder(codec))
            .addLast("connection", connection);
    }

    /**
     * Where dialled channels come from: NIO sockets, or for a test one that fails as when the process has no file
     * descriptor left. Call before the first dial.
     */
    void dialChannelsFrom(ChannelFactory<? extends Channel> factory) {
        this.dialChannels = factory;
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = listener;
    }

    @Override
    public PeerAddress localAddress() {
        if (localAddress == null) {
            throw new IllegalStateException("the transport is not bound yet");
        }
        return localAddress;
    }

    /** How often a silent connection is checked for idleness or a stalled frame, in milliseconds. */
    long idleCheckIntervalMs() {
        return Math.max(100, Math.min(STALLED_FRAME_MS, limits.idleTimeout().toMillis()));
    }

    /** Time from TCP connect to the peer's HELLO, in milliseconds. */
    long handshakeTimeoutMs() {
        return limits.handshakeTimeout().toMillis();
    }

    /** Silence after which a connection with nothing in flight is closed, in milliseconds. */
    long idleTimeoutMs() {
        return limits.idleTimeout().toMillis();
    }

    PeerId localId() {
        return localId;
    }

    FrameCodec codec() {
        return codec;
    }

    Frame.Hello hello() {
        return new Frame.Hello(FrameCodec.PROTOCOL_VERSION, localAddress == null ? 0 : localAddress.port(),
            limits.maxFrameBytes());
    }

    @Override
    public void send(PeerAddress peer, Frame frame) {
        Connection connection = primary.get(peer.id());
        if (connection != null) {
            connection.send(frame);
            return;
        }
        if (!(frame instanceof Frame.Request)) {
            log.debug("dropping {} for {}: no open connection", frame, peer);
            return;
        }
        ArrayDeque<Queued> queue = dialling.get(peer.id());
        if (queue != null) {
            queue.add(new Queued((Frame.Request) frame, System.nanoTime()));
            return;
        }
        if (closed != null) {
            listener.onPeerFailed(peer.id(), new PeerUnreachableException(peer, "this node is closing", null));
            return;
        }
        if (budget.full() && !freeASlot()) {
            listener.onPeerFailed(peer.id(), new OverloadedException("cannot dial " + peer + ": "
                + budget.establishedCount() + " connections are open (limit " + limits.maxConnections() + ")"));
            return;
        }
        queue = new ArrayDeque<>();
        queue.add(new Queued((Frame.Request) frame, System.nanoTime()));
        dialling.put(peer.id(), queue);
        // A connect() to the same address may be under way: ride on it rather than open a duplicate connection.
        CompletableFuture<PeerAddress> pending = dialsByAddress.get(peer.hostPort());
        (pending != null ? pending : dial(peer.hostPort(), peer.id())).whenComplete((address, error) -> {
            ArrayDeque<Queued> stranded = error != null || !address.id().equals(peer.id()) ? dialling.remove(peer.id()) : null;
            if (stranded != null) {
                listener.onPeerFailed(peer.id(), error == null
                    ? new network.butter.api.PeerIdentityMismatchException(peer.hostPort(), peer.id(), address.id())
                    : error instanceof network.butter.api.ButterException b ? b
                    : new PeerUnreachableException(peer, error.getMessage(), error));
            }
        });
    }

    @Override
    public CompletableFuture<PeerAddress> connect(HostPort address) {
        for (Connection connection : connections) {
            if (connection.ready() && connection.peerAddress().hostPort().equals(address)) {
                return CompletableFuture.completedFuture(connection.peerAddress());
            }
        }
        CompletableFuture<PeerAddress> pending = dialsByAddress.get(address);
        return pending != null ? pending.copy() : dial(address, null);
    }

    /** Dials; the future completes on the loop once the HELLO exchange is done. */
    private CompletableFuture<PeerAddress> dial(HostPort address, PeerId expected) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        String label = address.toString();
        Connection connection = new Connection(this, true, expected, label);
        pendingDials.put(connection, result);
        dialsByAddress.put(address, result);
        result.whenComplete((peer, error) -> dialsByAddress.remove(address, result));
        new Bootstrap()
            .group(loop)
            .channelFactory(dialChannels)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    pipeline(ch, tls.client().newHandler(ch.alloc(), address.host(), address.port()), connection);
                }
            })
            .connect(address.host(), address.port())
            .addListener(future -> {
                if (!future.isSuccess()) {
                    // A channel that could not even be created (no file descriptor left) reports on Netty's global
                    // executor, not on this loop: hop back before touching the transport's state.
                    onLoop(() -> {
                        pendingDials.remove(connection);
                        Throwable cause = future.cause();
                        result.completeExceptionally(new PeerUnreachableException(expected != null
                            ? expected + "@" + label : label, cause.getMessage() != null ? cause.getMessage()
                            : cause.getClass().getSimpleName(), cause));
                    });
                }
            });
        return result;
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Called when a dialled channel opens: why it must be closed at once, or null if it holds a slot now. */
    String admitOutbound(Connection connection) {
        if (closed != null) {
            return "this node is closing";
        }
        if (budget.full() && !freeASlot()) {
            return "this node has " + budget.establishedCount() + " connections open (limit "
                + limits.maxConnections() + ")";
        }
        connections.add(connection);
        budget.open(connection);
        return null;
    }

    /**
     * Called when an accepted channel opens: why it must be closed at once, or null if it may do its handshake. To
     * make room, the oldest connection still in its handshake may be closed.
     */
    String admitInbound(Connection connection) {
        if (closed != null) {
            return "this node is closing";
        }
        String refusal = budget.refusalOfHandshake(connection.remoteAddress());
        if (refusal != null) {
            badConnection(connection, BadConnectionLog.Kind.REFUSED, refusal);
            return refusal;
        }
        Connection oldest = budget.handshakeToEvict();
        if (oldest != null) {
            oldest.closeUnlessReady(BadConnectionLog.Kind.EVICTED, "still in its handshake when "
                + limits.maxUnauthenticatedConnections() + " newer connections needed room");
        }
        connections.add(connection);
        budget.startHandshake(connection);
        return null;
    }

    /**
     * Called when an inbound peer has authenticated and said HELLO: why it may not stay, to tell it in a GOAWAY, or
     * null once it holds a slot (perhaps freed by closing an idle inbound connection).
     */
    String authenticate(Connection connection) {
        String refusal = budget.refusalByAddress(connection.remoteAddress());
        if (refusal == null && budget.full() && !freeASlot()) {
            refusal = budget.atLimit();
        }
        if (refusal == null) {
            budget.authenticate(connection);
        }
        return refusal;
    }

    /**
     * Closes the inbound connection least worth keeping: nothing in flight, silent for a while, never used for a
     * request before one that was, then the longest silent. The peer re-dials on demand, as after an idle close.
     */
    private boolean freeASlot() {
        Connection victim = null;
        for (Connection candidate : budget.inbound()) {
            if (candidate.ready() && candidate.silentMs() >= EVICTABLE_AFTER_SILENT_MS && idle(candidate)
                && (victim == null || worthLess(candidate, victim))) {
                victim = candidate;
            }
        }
        if (victim == null) {
            return false;
        }
        victim.goAway(ErrorCode.IDLE, "closed to make room for a new peer at the connection limit");
        return true;
    }

    private static boolean worthLess(Connection candidate, Connection than) {
        if (candidate.carriedRequest() != than.carriedRequest()) {
            return !candidate.carriedRequest();
        }
        return candidate.silentMs() > than.silentMs();
    }

    /** Records an inbound connection refused or failed before it was authenticated: short, and rate-limited. */
    void badConnection(Connection connection, BadConnectionLog.Kind kind, String detail) {
        badConnections.record(connection.remoteAddress(), connection.label(), kind, detail);
    }

    /** The HELLO exchange of a connection finished: it can carry requests. */
    void onReady(Connection connection) {
        PeerId peer = connection.peer();
        Connection existing = primary.get(peer);
        if (existing == null || prefer(connection, existing)) {
            primary.put(peer, connection);
        }
        ArrayDeque<Queued> queued = dialling.remove(peer);
        if (queued != null) {
            Connection target = primary.get(peer);
            for (Queued waiting : queued) {
                waiting.stillWanted().ifPresent(target::send);
            }
        }
        CompletableFuture<PeerAddress> dial = pendingDials.remove(connection);
        if (dial != null) {
            dial.complete(connection.peerAddress());
        }
    }

    /**
     * Both ends pick the connection opened by the lower peer id. If one side opened both (two dials to one peer
     * under different addresses), each end keeps the one that was ready first; both stay open, so an answer
     * sent on either arrives, and the spare closes once idle.
     */
    private boolean prefer(Connection candidate, Connection existing) {
        PeerId candidateOpener = candidate.outbound() ? localId : candidate.peer();
        PeerId existingOpener = existing.outbound() ? localId : existing.peer();
        return candidateOpener.compareTo(existingOpener) < 0;
    }

    void onFrame(Connection connection, Frame frame) {
        listener.onFrame(connection.peerAddress(), frame);
    }

    /**
     * Whether a connection may be closed for idleness: only when nothing is in flight with its peer, since the
     * peer may be answering on it even when this end sends on another.
     */
    boolean idle(Connection connection) {
        return !listener.isBusyWith(connection.peer());
    }

    /**
     * A connection stopped carrying frames (called once per connection, as soon as it starts closing). If it was
     * the peer's primary, a spare takes over, and whatever was in flight with the peer fails now rather than
     * timing out later: its answers may have been on the lost connection.
     */
    void onClosed(Connection connection) {
        connections.remove(connection);
        budget.release(connection);
        PeerId peer = connection.peer();
        try {
            CompletableFuture<PeerAddress> dial = pendingDials.remove(connection);
            if (dial != null) {
                dial.completeExceptionally(connection.closeReason());
            }
            if (peer != null && primary.get(peer) == connection) {
                primary.remove(peer);
                for (Connection other : connections) {
                    if (other.ready() && peer.equals(other.peer())) {
                        primary.put(peer, other);
                    }
                }
                listener.onPeerFailed(peer, connection.closeReason());
            }
        } finally {
            maybeFinishClose(); // whatever the listener did, a closing transport must notice its last connection
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (closed != null) {
                closed.whenComplete((v, e) -> result.complete(null));
                return;
            }
            closed = result;
            if (server != null) {
                server.close();
            }
            for (Connection connection : List.copyOf(connections)) {
                if (connection.ready()) {
                    connection.goAway(ErrorCode.SHUTTING_DOWN, "node is shutting down");
                } else {
                    connection.channel().close();
                }
            }
            for (CompletableFuture<PeerAddress> dial : new ArrayList<>(pendingDials.values())) {
                dial.completeExceptionally(new PeerUnreachableException("peer", "this node is closing", null));
            }
            maybeFinishClose();
        });
        return result;
    }

    private void maybeFinishClose() {
        if (closed != null && connections.isEmpty() && !closed.isDone()) {
            if (server == null) {
                closed.complete(null);
            } else {
                server.closeFuture().addListener(f -> closed.complete(null));
            }
        }
    }

    /** A request waiting for its connection, and since when. */
    private record Queued(Frame.Request request, long queuedAtNanos) {
        /**
         * The request with the time it waited taken off its timeout, or nothing if its caller has given up
         * already (a slow TLS handshake must not make the peer work for nobody).
         */
        java.util.Optional<Frame.Request> stillWanted() {
            if (request.timeoutMs() == 0) {
                return java.util.Optional.of(request);
            }
            long waitedMs = (System.nanoTime() - queuedAtNanos) / 1_000_000;
            long leftMs = request.timeoutMs() - waitedMs;
            return leftMs <= 0 ? java.util.Optional.empty() : java.util.Optional.of(
                new Frame.Request(request.requestId(), leftMs, request.route(), request.payload()));
        }
    }

    private static String hostPortOf(InetSocketAddress address) {
        return address == null ? "unknown" : new HostPort(address.getAddress().getHostAddress(), address.getPort()).toString();
    }
}
