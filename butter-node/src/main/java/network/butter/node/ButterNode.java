package network.butter.node;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import network.butter.api.Behaviour;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.api.NodeStats;
import network.butter.api.Reply;
import network.butter.api.ReplyListener;
import network.butter.api.RequestHandler;
import network.butter.discover.Bootstrap;
import network.butter.discover.LanDiscovery;
import network.butter.hosts.KnownHosts;
import network.butter.env.Cancellable;
import network.butter.env.Environment;
import network.butter.identity.HostPort;
import network.butter.identity.IdentityStore;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.discover.DiscoveryConfig;
import network.butter.node.discover.NettyMulticast;
import network.butter.node.env.EventLoopNodeLoop;
import network.butter.node.env.VirtualThreadWorker;
import network.butter.node.portmap.PortMapper;
import network.butter.node.store.DiskQueue;
import network.butter.node.store.FileChunkStore;
import network.butter.node.tls.NodeTls;
import network.butter.node.transport.NettyTransport;
import network.butter.node.wider.InterfaceAddresses;
import network.butter.persist.PeerContentGroups;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.persist.Storage;
import network.butter.protocol.Protocol;
import network.butter.runtime.NodeRuntime;
import network.butter.store.ChunkStore;
import network.butter.store.DiskWork;
import network.butter.store.MemoryChunkStore;
import network.butter.wider.Wider;
import network.butter.wider.WiderState;
import network.butter.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Butter node: the core {@link NodeRuntime} on the real environment (Netty TLS transport, system
 * clock, virtual-thread handlers). Create it with {@link Butter#node}, register routes, {@link #start()} it.
 * Routes and protocols may be registered before or after starting; everything else needs a started node.
 *
 * <p>Unless configured off, the node takes part in persistent storage: it runs {@link PeerContentGroups} on a
 * chunk store of its own (files under the data directory, or memory without one) and offers it as
 * {@link #storage()}, with {@link Retrieval} (informed search by default) finding what no known member holds.
 */
public final class ButterNode implements Node {

    private static final Logger log = LoggerFactory.getLogger(ButterNode.class);
    /** First pause before a lonely node knocks at its bootstrap addresses again, in milliseconds. */
    private static final long BOOTSTRAP_RETRY_MS = 1_000;
    /** How long {@link #start()} waits for the node loop to have started the built-in protocols. */
    private static final long PROTOCOLS_START_LIMIT_MS = 10_000;
    /** How long a closing node waits for its queued chunk-store writes. */
    private static final long DISK_DRAIN_LIMIT_MS = 10_000;

    private final NodeConfig config;
    /** Routes registered before start, each as the call that registers it on the runtime. */
    private final Map<String, java.util.function.Consumer<NodeRuntime>> earlyRoutes = new LinkedHashMap<>();
    private final List<Protocol> earlyProtocols = new ArrayList<>();
    private volatile NodeRuntime runtime;
    private volatile KnownHosts knownHosts;
    private volatile PeerContentGroups storage;
    private volatile DataDirectoryLock dataDirectoryLock;
    private volatile PortMapper portMapper;
    private volatile Wider wider;
    private volatile PeerAddress listenAddress;
    private volatile DiskQueue diskQueue;
    private CompletableFuture<Void> shutdownWithUnmap;

    ButterNode(NodeConfig config) {
        this.config = config;
        NativeAccess.warnIfDisabled();
    }

    /**
     * Loads or creates the identity, opens the chunk store, starts listening, starts storage (rejoining the groups
     * of the chunks in the store), starts LAN discovery if configured, and connects to the bootstrap addresses.
     * Returns once storage is ready for use.
     *
     * @return this node, started
     * @throws IllegalStateException        if it was started before, or it cannot listen on the configured address
     * @throws IllegalArgumentException     if discovery is configured on an interface that is missing or cannot
     *                                      multicast
     * @throws java.io.UncheckedIOException if the chunk store in the data directory cannot be opened
     * @throws IllegalStateException        also if another node, in this process or another, runs on the same data
     *                                      directory
     */
    public synchronized ButterNode start() {
        if (runtime != null) {
            throw new IllegalStateException("node " + runtime.id() + " is already started");
        }
        warnIfHeapBelowBudget(Runtime.getRuntime().maxMemory(), config.memoryBudgetBytes());
        // Taken first and held until the node has shut down: nothing of the directory is read before.
        DataDirectoryLock lock = config.dataDirectory() == null ? null : DataDirectoryLock.acquire(config.dataDirectory());
        try {
            startWith(lock);
        } catch (RuntimeException | Error e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        return this;
    }

    private void startWith(DataDirectoryLock lock) {
        SecureRandom entropy = new SecureRandom();
        NodeIdentity identity = config.dataDirectory() != null
            ? IdentityStore.loadOrCreate(config.dataDirectory(), entropy)
            : NodeIdentity.generate(entropy);
        NodeTls tls = NodeTls.create(identity, entropy, Instant.now());
        EventLoop loop = (config.eventLoopGroup() != null ? config.eventLoopGroup() : SharedEventLoops.group()).next();
        // Opened before anything binds, so that an unreadable store leaves nothing bound behind.
        ChunkStore chunks = config.storage() == null ? null : openChunkStore();
        EventLoopNodeLoop nodeLoop = new EventLoopNodeLoop(loop);
        NettyTransport transport = new NettyTransport(identity.peerId(), tls, loop, config.limits(),
            config.host(), config.port(), config.advertisedHost());
        Environment env = new Environment(nodeLoop, new SplittableRandom(entropy.nextLong()),
            new VirtualThreadWorker("butter-" + identity.peerId().shortForm()), transport, identity::sign);
        // Opened before listening, so that a discovery misconfiguration leaves nothing bound behind.
        NettyMulticast multicast = config.discovery() == null ? null
            : NettyMulticast.open(loop, config.discovery(), config.host());
        NodeRuntime started = new NodeRuntime(env, config.limits(), config.peerBudget());
        earlyRoutes.values().forEach(register -> register.accept(started));
        try {
            transport.bind();
        } catch (RuntimeException e) {
            if (multicast != null) {
                multicast.close();
            }
            throw e;
        }
        // Protocols start only now: they may ask for the node's address, which exists once bound.
        listenAddress = transport.localAddress();
        InetAddress mappable = mappableAddress();
        PortMapper mapper = mappable == null ? null : PortMapper.create(config.portMapping());
        portMapper = mapper;
        KnownHosts hosts = new KnownHosts(config.knownHosts(), () -> 0L);
        started.install(hosts);
        knownHosts = hosts;
        if (config.wider() != null) {
            Wider layer = mapper == null ? new Wider(config.wider()) : new Wider(config.wider(), mapper);
            started.install(layer);
            wider = layer;
        }
        if (chunks != null) {
            // A disk store writes off the event loop, which other nodes may share; a memory store costs nothing to write.
            DiskQueue disk = chunks instanceof FileChunkStore
                ? new DiskQueue("butter-disk-" + identity.peerId().shortForm(), DiskQueue.DEFAULT_QUEUE_LIMIT) : null;
            diskQueue = disk;
            PeerContentGroups groups = new PeerContentGroups(config.storage().protocol(), chunks,
                disk == null ? DiskWork.inline() : disk);
            started.install(new Retrieval(RetrievalConfig.defaults(), groups));
            started.install(groups);
            storage = groups;
        }
        earlyProtocols.forEach(started::install);
        dataDirectoryLock = lock;
        runtime = started;
        awaitProtocolsStarted(loop);
        log.debug("node {} listening on {}", identity.peerId(), transport.localAddress().hostPort());
        if (mapper != null) {
            mapper.start(listenAddress.port(), mappable);
        }
        if (multicast != null) {
            startDiscovery(started, multicast, hosts);
        }
        if (!config.bootstrap().isEmpty()) {
            started.install(new Bootstrap(config.bootstrap(), hosts, BOOTSTRAP_RETRY_MS));
        }
    }

    /**
     * The address to ask the router to forward the listening port to, or null not to ask: configured off, or
     * listening on loopback, where no router could forward. The mapper starts once the node serves, in the
     * background: the mapping (or the reason there is none) follows within seconds.
     */
    private InetAddress mappableAddress() {
        if (config.portMapping() == null) {
            return null;
        }
        InetAddress listening;
        try {
            listening = InetAddress.getByName(config.host());
        } catch (UnknownHostException e) {
            log.info("port mapping: off, the listening host {} does not resolve", config.host());
            return null;
        }
        return listening.isLoopbackAddress() ? null : listening;
    }

    private ChunkStore openChunkStore() {
        long capacity = config.storage().capacityBytes();
        if (config.dataDirectory() == null) {
            log.debug("storage: up to {} bytes in memory", capacity);
            return new MemoryChunkStore(capacity);
        }
        Path directory = StorageConfig.chunkDirectory(config.dataDirectory());
        log.debug("storage: up to {} bytes in {}", capacity, directory);
        return FileChunkStore.open(directory, capacity);
    }

    /**
     * Protocols start on the node loop; waiting for it here means that a caller may use {@link #storage()} as
     * soon as {@link #start()} returns. Skipped when called on the loop itself, which could not run them meanwhile.
     */
    private static void awaitProtocolsStarted(EventLoop loop) {
        if (loop.inEventLoop()) {
            return;
        }
        CompletableFuture<Void> reached = new CompletableFuture<>();
        loop.execute(() -> reached.complete(null));
        try {
            reached.get(PROTOCOLS_START_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the node's protocols were starting", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the node loop did not start the protocols within "
                + PROTOCOLS_START_LIMIT_MS + " ms", e);
        }
    }

    private void startDiscovery(NodeRuntime started, NettyMulticast multicast, KnownHosts hosts) {
        DiscoveryConfig discovery = config.discovery();
        started.install(new LanDiscovery(multicast, hosts, discovery.timing()));
        log.info("discovering peers on {}:{} via {}", discovery.group(), discovery.port(),
            multicast.networkInterface().getName());
    }

    /** Whether {@link #start()} has been called. */
    public boolean started() {
        return runtime != null;
    }

    /**
     * Warns when the JVM's heap is smaller than the memory budget the node's limits are derived from: the node would
     * then plan for memory it cannot have (an in-memory store of half the budget, say) and fail with
     * {@code OutOfMemoryError} under load instead of refusing work.
     *
     * @return whether it warned
     */
    static boolean warnIfHeapBelowBudget(long maxHeapBytes, long budgetBytes) {
        if (maxHeapBytes == Long.MAX_VALUE || maxHeapBytes >= budgetBytes) {
            return false;
        }
        log.warn("the memory budget ({} MiB) is larger than the JVM's heap ({} MiB): limits derived from it may not fit; "
            + "give the JVM -Xmx at least the budget, or a smaller --memory", budgetBytes >> 20, maxHeapBytes >> 20);
        return true;
    }

    /** The configuration this node runs with. */
    public NodeConfig config() {
        return config;
    }

    /**
     * The node's known-host list: the peers it has checked and keeps polling, with their qualities. Discovery,
     * bootstrap and peer exchange feed it.
     *
     * @throws IllegalStateException if the node is not started
     */
    public KnownHosts knownHosts() {
        runtime();
        return knownHosts;
    }

    /**
     * The node's persistent storage: content put here is kept by small replicated groups of nodes and outlives
     * this node. With a data directory, this node's own copies survive its restarts too.
     *
     * <pre>{@code
     * ContentId id = node.storage().put(bytes).join();   // once the write quorum holds it
     * byte[] back = node.storage().get(id).join();        // verified against its id
     * }</pre>
     *
     * @throws IllegalStateException if the node is not started, or was configured without storage
     *                               ({@code storage(false)}): a configuration fact, not a condition to handle at
     *                               run time, so it is reported like calling a method too early
     */
    public Storage storage() {
        if (config.storage() == null) {
            throw new IllegalStateException("this node runs without storage: it was configured with storage(false)");
        }
        runtime();
        return storage;
    }

    /**
     * The node's port mapping on its home router, if it asks for one: empty when configured off
     * ({@code portMapping(false)}) or listening on loopback. Its {@link PortMapper#firstAttempt()} says how the first
     * request went; the wider layer reads it as a {@link network.butter.wider.PortMapping}.
     *
     * @throws IllegalStateException if the node is not started
     */
    public Optional<PortMapper> portMapper() {
        runtime();
        return Optional.ofNullable(portMapper);
    }

    /**
     * The node's wider layer: what it concluded about its reachability and the addresses it advertises
     * ({@link Wider#state()}, {@link WiderState#describe()}), and {@link Wider#onChange} to hear of changes. Empty when
     * configured off ({@code wider(false)}) or listening on loopback without {@code wider(true)}.
     *
     * @throws IllegalStateException if the node is not started
     */
    public Optional<Wider> wider() {
        runtime();
        return Optional.ofNullable(wider);
    }

    private NodeRuntime runtime() {
        NodeRuntime current = runtime;
        if (current == null) {
            throw new IllegalStateException("the node is not started: call start() first");
        }
        return current;
    }

    @Override
    public PeerId id() {
        return runtime().id();
    }

    @Override
    public PeerAddress address() {
        return runtime().address();
    }

    /**
     * Every address other machines can use to reach this node, best first: the addresses the wider layer advertises
     * (dialled back by peers when public, through its relays when private), then the router's port mapping, then the
     * listening address and, for a node listening on a wildcard host, its other interface addresses (e.g. its LAN
     * address beside a public one). What a person should give to a node on another machine.
     */
    public List<PeerAddress> addresses() {
        PeerId id = id();
        LinkedHashSet<PeerAddress> all = new LinkedHashSet<>();
        Wider layer = wider;
        if (layer != null) {
            all.addAll(layer.state().advertised());
        }
        PortMapper mapper = portMapper;
        if (mapper != null) {
            mapper.mappedAddress().ifPresent(mapped -> all.add(new PeerAddress(id, mapped.host(), mapped.port())));
        }
        PeerAddress listening = listenAddress;
        all.add(listening);
        if (config.advertisedHost() == null) {
            for (String host : InterfaceAddresses.dialable(config.host())) {
                all.add(new PeerAddress(id, host, listening.port()));
            }
        }
        return List.copyOf(all);
    }

    @Override
    public Limits limits() {
        return config.limits();
    }

    @Override
    public NodeStats stats() {
        return runtime().stats();
    }

    @Override
    public synchronized ButterNode handle(String route, RequestHandler handler) {
        if (runtime != null) {
            runtime.handle(route, handler);
        } else {
            Route.validate(route);
            java.util.Objects.requireNonNull(handler, "handler");
            earlyRoutes.put(route, started -> started.handle(route, handler));
        }
        return this;
    }

    @Override
    public synchronized ButterNode handleOnLoop(String route, RequestHandler handler) {
        if (runtime != null) {
            runtime.handleOnLoop(route, handler);
        } else {
            Route.validate(route);
            java.util.Objects.requireNonNull(handler, "handler");
            earlyRoutes.put(route, started -> started.handleOnLoop(route, handler));
        }
        return this;
    }

    @Override
    public synchronized ButterNode install(Protocol protocol) {
        if (runtime != null) {
            runtime.install(protocol);
        } else {
            earlyProtocols.add(java.util.Objects.requireNonNull(protocol, "protocol"));
        }
        return this;
    }

    @Override
    public CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout) {
        return runtime().request(peer, route, payload, timeout);
    }

    @Override
    public void requestOnLoop(PeerAddress peer, String route, byte[] payload, Duration timeout, ReplyListener listener) {
        runtime().requestOnLoop(peer, route, payload, timeout, listener);
    }

    @Override
    public CompletableFuture<PeerAddress> connect(HostPort address) {
        return runtime().connect(address);
    }

    @Override
    public Cancellable every(Duration period, Behaviour behaviour) {
        return runtime().every(period, behaviour);
    }

    @Override
    public Cancellable spawn(String name, Behaviour behaviour) {
        return runtime().spawn(name, behaviour);
    }

    @Override
    public CompletableFuture<Void> shutdown(Duration grace) {
        NodeRuntime current = runtime;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        DataDirectoryLock lock = dataDirectoryLock;
        DiskQueue disk = diskQueue;
        CompletableFuture<Void> runtimeStopped = withPortMappingRemoved(current.shutdown(grace));
        // The protocols' last writes (group records) reach the disk before the data directory is released.
        CompletableFuture<Void> stopped = disk == null ? runtimeStopped
            : runtimeStopped.handle((v, e) -> disk.close(DISK_DRAIN_LIMIT_MS)).thenCompose(drained -> drained)
                .thenCombine(runtimeStopped, (drained, v) -> v);
        return lock == null ? stopped : stopped.whenComplete((v, e) -> lock.close());
    }

    /**
     * The node's shutdown, joined by telling the router to drop the port mapping (bounded by the mapper's own time
     * limit) while the node drains. The same future for every call, as the runtime's shutdown is.
     */
    private synchronized CompletableFuture<Void> withPortMappingRemoved(CompletableFuture<Void> runtimeStopped) {
        PortMapper mapper = portMapper;
        if (mapper == null) {
            return runtimeStopped;
        }
        if (shutdownWithUnmap == null) {
            CompletableFuture<Void> unmapped = CompletableFuture.runAsync(mapper::close,
                command -> Thread.ofVirtual().name("butter-port-unmapping").start(command));
            shutdownWithUnmap = runtimeStopped.thenCombine(unmapped, (stopped, removed) -> null);
        }
        return shutdownWithUnmap;
    }

    @Override
    public String toString() {
        NodeRuntime current = runtime;
        return current == null ? "ButterNode[not started]" : "ButterNode[" + current.address() + "]";
    }
}
