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
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.env.Transport;
import network.butter.env.TransportListener;
import network.butter.env.WiderTransport;
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
 *
 * <p>It is also the wider layer's transport ({@link WiderTransport}):
 * <ul>
 *   <li>a dial-back {@link #probe} is a fresh connection closed right after the TLS handshake, before HELLO, so it
 *       never becomes anyone's connection for a peer;</li>
 *   <li>an {@link #advertise advertised} address goes to every peer in an ADVERTISE frame (before HELLO on new
 *       connections), and peers report this node's frames as coming from it;</li>
 *   <li>a send to a relayed address opens a circuit through the relay ({@link Circuits}); inside it the usual
 *       connection runs, TLS included, on an in-memory channel ({@link CircuitEnd}), so the relay only forwards
 *       TLS records; circuits hold no connection slots, they are bounded per connection instead, and a direct
 *       connection is always preferred to a circuit;</li>
 *   <li>a {@link #punch} dials from the listening port (bound with {@code SO_REUSEPORT} for that), and the lower
 *       peer id is the TLS client of the punched connection whichever way its sockets met.</li>
 * </ul>
 */
public final class NettyTransport implements Transport, WiderTransport {

    /** An inbound connection silent this long with nothing in flight may give its slot to a new peer, in milliseconds. */
    static final long EVICTABLE_AFTER_SILENT_MS = 1_000;
    /** How often WARN summarises the bad inbound connections, in milliseconds. */
    static final long BAD_CONNECTION_SUMMARY_MS = 60_000;
    /**
     * Tries at binding "any port" (port 0): between checking a port free and binding it with {@code SO_REUSEPORT},
     * another process's outgoing connection may take it (seen with 50 node processes on one loopback).
     */
    static final int ANY_PORT_BIND_ATTEMPTS = 5;

    /** How long dialling may take before the peer counts as unreachable, in milliseconds. */
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /** A circuit silent this long while a connection of its own carries the peer's frames is closed, in milliseconds. */
    static final long SPARE_CIRCUIT_IDLE_MS = 1_000;
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
    private final Map<Connection, HostPort> probes = new HashMap<>();
    private final Circuits circuits = new Circuits(this);
    private final Map<PeerId, Punch> punches = new HashMap<>();
    private ChannelFactory<? extends Channel> dialChannels = NioSocketChannel::new;
    private TransportListener listener;
    private Channel server;
    private int listenPort;
    private PeerAddress localAddress;
    private PeerAddress advertised;
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
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop, loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(NioChannelOption.of(java.net.StandardSocketOptions.SO_REUSEPORT), true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(ch);
                    }
                });
            ChannelFuture bound = bootstrap.bind(bindHost, port).awaitUninterruptibly();
            if (bound.isSuccess()) {
                server = bound.channel();
                break;
            }
            // Any port: the one found free can be taken (as another process's ephemeral port) before it is bound.
            if (requestedPort != 0 || attempt == ANY_PORT_BIND_ATTEMPTS) {
                throw new IllegalStateException("cannot listen on " + bindHost + ":" + port + ": "
                    + bound.cause().getMessage(), bound.cause());
            }
        }
        listenPort = ((InetSocketAddress) server.localAddress()).getPort();
        localAddress = new PeerAddress(localId, advertisedHost != null ? advertisedHost : advertise(bindHost), listenPort);
    }

    private static String advertise(String bindHost) {
        return InterfaceAddresses.dialable(bindHost).getFirst();
    }

    /**
     * The port to listen on, checked free by binding it without {@code SO_REUSEPORT} first. The listening socket
     * sets that option so that punching can dial from its port; without this check a second node started on the
     * same port by the same user would share it silently instead of failing.
     */
    private int freePort() {
        try (java.net.ServerSocket check = new java.net.ServerSocket()) {
            check.bind(new InetSocketAddress(bindHost, requestedPort));
            return check.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + bindHost + ":" + requestedPort + ": " + e.getMessage(), e);
        }
    }

    /** An accepted TCP connection: an ordinary inbound one, or this node's side of a punch the peer won. */
    private void accepted(SocketChannel ch) {
        String label = hostPortOf(ch.remoteAddress());
        Punch punch = punchWith(ch.remoteAddress());
        if (punch == null) {
            pipeline(ch, tls.server().newHandler(ch.alloc()), new Connection(this, false, null, label));
            return;
        }
        boolean client = tlsClientOfPunch(punch.peer());
        pipeline(ch, client ? tls.client().newHandler(ch.alloc()) : tls.server().newHandler(ch.alloc()),
            new Connection(this, client, punch.peer(), label, Connection.Setup.PUNCHED));
    }

    private WriteBufferWaterMark waterMark() {
        int high = Math.max(64 * 1024, Math.min(4 * limits.maxFrameBytes(), 16 * 1024 * 1024));
        return new WriteBufferWaterMark(high / 2, high);
    }

    private void pipeline(Channel ch, SslHandler ssl, Connection connection) {
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMs());
        // Only read idleness is watched (by the connection, on the timer grid): every request is answered, so a
        // connection in use always has something to read, and watching writes would cost work on every frame.
        ch.pipeline()
            .addLast("tls", ssl)
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

    /**
     * How often a silent connection is checked for idleness or a stalled frame, in milliseconds: for a circuit at most
     * every {@value #SPARE_CIRCUIT_IDLE_MS} ms, so that a circuit a direct connection replaced goes soon.
     */
    long idleCheckIntervalMs(Connection connection) {
        long intervalMs = Math.max(100, Math.min(STALLED_FRAME_MS, limits.idleTimeout().toMillis()));
        return connection.circuit() == null ? intervalMs : Math.min(intervalMs, SPARE_CIRCUIT_IDLE_MS);
    }

    /** Time from TCP connect to the peer's HELLO, in milliseconds. */
    long handshakeTimeoutMs() {
        return limits.handshakeTimeout().toMillis();
    }

    /**
     * Silence after which a connection with nothing in flight is closed, in milliseconds. A circuit that is no longer
     * the peer's connection (a direct or punched one took over) goes after {@value #SPARE_CIRCUIT_IDLE_MS} ms: the
     * relay steps back as soon as it is not needed.
     */
    long idleTimeoutMs(Connection connection) {
        boolean spareCircuit = connection.circuit() != null && primary.get(connection.peer()) != connection;
        return spareCircuit ? Math.min(SPARE_CIRCUIT_IDLE_MS, limits.idleTimeout().toMillis()) : limits.idleTimeout().toMillis();
    }

    PeerId localId() {
        return localId;
    }

    FrameCodec codec() {
        return codec;
    }

    Frame.Hello hello() {
        return new Frame.Hello(FrameCodec.PROTOCOL_VERSION, listenPort, limits.maxFrameBytes());
    }

    /** The address this node advertises, to send before its HELLO; null while it has not advertised one. */
    PeerAddress advertisement() {
        return advertised;
    }

    EventLoop loop() {
        return loop;
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
        CompletableFuture<PeerAddress> pending = peer.isRelayed() ? null : dialsByAddress.get(peer.hostPort());
        CompletableFuture<PeerAddress> attempt = peer.isRelayed() ? dialViaRelay(peer)
            : pending != null ? pending : dial(peer.hostPort(), peer.id());
        attempt.whenComplete((address, failure) -> {
            Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
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
            if (connection.ready() && connection.circuit() == null && connection.peerAddress().hostPort().equals(address)) {
                return CompletableFuture.completedFuture(connection.peerAddress());
            }
        }
        CompletableFuture<PeerAddress> pending = dialsByAddress.get(address);
        return pending != null ? pending.copy() : dial(address, null);
    }

    /** Dials; the future completes on the loop once the HELLO exchange is done. */
    private CompletableFuture<PeerAddress> dial(HostPort address, PeerId expected) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        Connection connection = new Connection(this, true, expected, address.toString());
        dialsByAddress.put(address, result);
        result.whenComplete((peer, error) -> dialsByAddress.remove(address, result));
        openSocket(address, connection, result, new Bootstrap());
        return result;
    }

    /**
     * Connects a TCP socket for {@code connection}; if that fails, {@code result} fails naming the address. The
     * connection completes {@code result} itself once it is ready (or fails it when it closes before).
     */
    private void openSocket(HostPort address, Connection connection, CompletableFuture<PeerAddress> result,
                            Bootstrap bootstrap) {
        String label = address.toString();
        PeerId expected = connection.expected();
        pendingDials.put(connection, result);
        bootstrap
            .group(loop)
            .channelFactory(dialChannels)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    pipeline(ch, connection.outbound() ? tls.client().newHandler(ch.alloc(), address.host(), address.port())
                        : tls.server().newHandler(ch.alloc()), connection);
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
    }

    /**
     * Reaches a peer through its relay: over the direct connection to the relay (dialled if need be), a circuit,
     * and inside it the ordinary TLS handshake with the peer.
     *
     * @return completes once the connection inside the circuit is ready
     */
    private CompletableFuture<PeerAddress> dialViaRelay(PeerAddress peer) {
        PeerAddress relay = peer.relayAddress();
        Connection open = directConnection(relay.id());
        CompletableFuture<PeerAddress> relayReady;
        if (open != null) {
            relayReady = CompletableFuture.completedFuture(open.peerAddress());
        } else {
            CompletableFuture<PeerAddress> pending = dialsByAddress.get(relay.hostPort());
            relayReady = pending != null ? pending.copy() : dial(relay.hostPort(), relay.id());
        }
        return relayReady.thenCompose(reached -> {
            Connection toRelay = directConnection(relay.id());
            if (toRelay == null || !reached.id().equals(relay.id())) {
                return CompletableFuture.failedFuture(new PeerUnreachableException(peer,
                    "no direct connection to its relay " + relay, null));
            }
            return circuits.connect(toRelay, peer.id());
        });
    }

    /**
     * Starts the connection inside a circuit: the ordinary pipeline on the end's in-memory channel, whose head is the
     * end itself. Flushes are not consolidated there: the channel has no I/O of its own to wait for.
     */
    void openInCircuit(CircuitEnd end, EmbeddedChannel channel, Connection inner, CompletableFuture<PeerAddress> opened) {
        if (opened != null) {
            pendingDials.put(inner, opened);
        }
        PeerAddress relay = end.relayAddress();
        pipeline(channel, end.asking() ? tls.client().newHandler(channel.alloc(), relay.host(), relay.port())
            : tls.server().newHandler(channel.alloc()), inner);
        try {
            channel.register();
        } catch (Exception e) {
            end.closedByRelay("cannot start the connection inside the circuit: " + e.getMessage());
        }
    }

    /** A ready connection of the peer's own (not a circuit), or null. */
    Connection directConnection(PeerId peer) {
        Connection best = null;
        for (Connection connection : connections) {
            if (connection.ready() && connection.circuit() == null && peer.equals(connection.peer())
                && (best == null || connection == primary.get(peer))) {
                best = connection;
            }
        }
        return best;
    }

    /** A circuit frame arrived on a ready direct connection. */
    void onCircuitFrame(Connection connection, LinkFrame frame) {
        circuits.onFrame(connection, frame);
    }

    /** Package-private for tests of a relay that tampers: what this node, as a relay, does to forwarded bytes. */
    void forwardCircuitBytesWith(UnaryOperator<byte[]> operator) {
        circuits.forwardWith(operator);
    }

    /** Package-private for tests of a relay that lies: to whom this node, as a relay, forwards a circuit. */
    void routeCircuitsWith(UnaryOperator<PeerId> operator) {
        circuits.routeWith(operator);
    }

    /** Called when a circuit's connection opens: it holds no slot (the circuit cap bounds circuits), or why not. */
    String admitCircuit(Connection connection) {
        if (closed != null) {
            return "this node is closing";
        }
        connections.add(connection);
        return null;
    }

    @Override
    public Optional<WiderTransport> wider() {
        return Optional.of(this);
    }

    @Override
    public Optional<HostPort> observedAddress(PeerId peer) {
        Connection direct = directConnection(peer);
        if (direct == null) {
            return Optional.empty();
        }
        InetSocketAddress remote = direct.remoteSocket();
        return Optional.of(new HostPort(remote.getAddress().getHostAddress(), remote.getPort()));
    }

    @Override
    public void advertise(PeerAddress self) {
        if (!self.id().equals(localId)) {
            throw new IllegalArgumentException("can only advertise an address with this node's id " + localId + ": " + self);
        }
        advertised = self;
        localAddress = self;
        for (Connection connection : List.copyOf(connections)) { // telling one may close it
            connection.advertise(self);
        }
    }

    @Override
    public CompletableFuture<PeerAddress> probe(HostPort address) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        if (closed != null) {
            result.completeExceptionally(new PeerUnreachableException(address.toString(), "this node is closing", null));
            return result;
        }
        Connection connection = new Connection(this, true, null, address.toString(), Connection.Setup.PROBE);
        probes.put(connection, address);
        result.whenComplete((peer, error) -> probes.remove(connection));
        openSocket(address, connection, result, new Bootstrap());
        return result;
    }

    /** A probe's TLS handshake proved who answers: the probe is done, and its connection closes. */
    void onProbed(Connection connection) {
        CompletableFuture<PeerAddress> result = pendingDials.remove(connection);
        HostPort address = probes.get(connection);
        if (result != null && address != null) {
            result.complete(new PeerAddress(connection.peer(), address.host(), address.port()));
        }
    }

    @Override
    public void serveRelay(RelayGate gate) {
        circuits.serve(gate);
    }

    @Override
    public void acceptCircuitsVia(PeerId relay, boolean accept) {
        circuits.acceptVia(relay, accept);
    }

    @Override
    public Optional<PathKind> path(PeerId peer) {
        Connection connection = primary.get(peer);
        return connection == null ? Optional.empty() : Optional.of(connection.path());
    }

    @Override
    public CompletableFuture<Void> punch(PeerId peer, List<HostPort> candidates, long delayMs) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (closed != null || candidates.isEmpty()) {
            result.completeExceptionally(new PeerUnreachableException(peer.toString(),
                closed != null ? "this node is closing" : "no address to punch to", null));
            return result;
        }
        if (directConnection(peer) != null) {
            result.complete(null);
            return result;
        }
        Punch punch = new Punch(peer, List.copyOf(candidates), result);
        Punch earlier = punches.put(peer, punch);
        if (earlier != null) {
            earlier.result().completeExceptionally(new PeerUnreachableException(peer.toString(),
                "a newer punch replaced this one", null));
        }
        result.whenComplete((v, error) -> punches.remove(peer, punch));
        io.netty.util.concurrent.ScheduledFuture<?> dials = loop.schedule(() -> punch.candidates().forEach(candidate -> dialForPunch(peer, candidate)),
            delayMs, TimeUnit.MILLISECONDS);
        io.netty.util.concurrent.ScheduledFuture<?> deadline = loop.schedule(() -> result.completeExceptionally(new PeerUnreachableException(
            peer.toString(), "no punched connection to " + punch.candidates() + " within " + CONNECT_TIMEOUT_MS
                + " ms", null)), delayMs + CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        result.whenComplete((v, error) -> {
            dials.cancel(false);
            deadline.cancel(false);
        });
        return result;
    }

    /**
     * Dials one punch candidate from the listening port, so that the peer's NAT sees the port it was told of and
     * its own simultaneous dial meets this one. The lower id is the TLS client, whichever socket wins.
     */
    private void dialForPunch(PeerId peer, HostPort candidate) {
        boolean client = tlsClientOfPunch(peer);
        Connection connection = new Connection(this, client, peer, candidate.toString(), Connection.Setup.PUNCHED);
        CompletableFuture<PeerAddress> attempt = new CompletableFuture<>();
        attempt.whenComplete((address, error) -> {
            if (error != null) {
                log.debug("punch to {} at {} failed: {}", peer, candidate, error.getMessage());
            }
        });
        openSocket(candidate, connection, attempt, new Bootstrap()
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(NioChannelOption.of(java.net.StandardSocketOptions.SO_REUSEPORT), true)
            .localAddress(bindHost, listenPort));
    }

    private boolean tlsClientOfPunch(PeerId peer) {
        return localId.compareTo(peer) < 0;
    }

    /** The punch under way whose candidates include {@code remote}, or null. */
    private Punch punchWith(InetSocketAddress remote) {
        if (remote == null) {
            return null;
        }
        HostPort from = new HostPort(remote.getAddress().getHostAddress(), remote.getPort());
        for (Punch punch : punches.values()) {
            if (punch.candidates().contains(from)) {
                return punch;
            }
        }
        return null;
    }

    /** A punch under way: to whom, at which addresses, and what to complete once a punched connection is ready. */
    private record Punch(PeerId peer, List<HostPort> candidates, CompletableFuture<Void> result) {
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
        Punch punch = connection.circuit() == null ? punches.get(peer) : null;
        if (punch != null) {
            punch.result().complete(null);
        }
    }

    /**
     * A connection of its own beats a circuit through a relay. Otherwise both ends pick the connection opened by the
     * lower peer id. If one side opened both (two dials to one peer
     * under different addresses), each end keeps the one that was ready first; both stay open, so an answer
     * sent on either arrives, and the spare closes once idle.
     */
    private boolean prefer(Connection candidate, Connection existing) {
        if ((candidate.circuit() == null) != (existing.circuit() == null)) {
            return candidate.circuit() == null; // a direct or punched connection beats a circuit through a relay
        }
        PeerId candidateOpener = candidate.outbound() ? localId : candidate.peer();
        PeerId existingOpener = existing.outbound() ? localId : existing.peer();
        return candidateOpener.compareTo(existingOpener) < 0;
    }

    /** The peer of {@code connection} advertised a new address: the node follows it at once. */
    void onAdvertised(Connection connection) {
        listener.onPeerAdvertised(connection.peerAddress());
    }

    void onFrame(Connection connection, Frame frame) {
        listener.onFrame(connection.peerAddress(), frame);
    }

    /**
     * A frame of a read whose earlier frames may already have had the peer reported heard ({@code heardInThisRead}, see
     * {@link TransportListener#onFrame(PeerAddress, Frame, boolean)}).
     */
    void onFrame(Connection connection, Frame frame, boolean heardInThisRead) {
        listener.onFrame(connection.peerAddress(), frame, heardInThisRead);
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
            if (connection.circuit() == null) {
                circuits.onConnectionClosed(connection);
            }
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
