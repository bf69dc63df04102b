package network.butter.testbed.protocol;

import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.health.FailureDetector;
import network.butter.health.HealthConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerId;
import network.butter.node.ButterNode;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import network.butter.testbed.attack.AttackBehaviour;
import network.butter.testbed.attack.Attacker;
import network.butter.testbed.attack.Intel;

/**
 * Butter's persistent storage, Peer Content Groups, under test: every node runs {@link KnownHosts}, optionally a
 * {@link FailureDetector}, {@link Retrieval} (default settings: informed search) and {@link PeerContentGroups} with an
 * in-memory chunk store;
 * items are put from one node and read from a fresh one.
 * Nodes join by offering the peers the scenario hands them to their known hosts (as bootstrap would); from there
 * peer exchange and the groups' own recruiting do the rest.
 */
public final class PcgStorage implements DataProtocol {

    private final PcgConfig config;
    private final KnownHostsConfig hostsConfig;
    private final long storeBytes;
    private final Optional<HealthConfig> detector;
    /** Every peer installed, dead or alive: appended from any thread, read by the scenario. */
    private final Queue<PcgPeer> peers = new ConcurrentLinkedQueue<>();

    /** The defaults: {@link PcgConfig#defaults()}, default known hosts, 64 MiB of store per node. */
    public PcgStorage() {
        this(PcgConfig.defaults());
    }

    /** With the given storage settings, default known hosts and 64 MiB of store per node. */
    public PcgStorage(PcgConfig config) {
        this(config, KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES,
            Limits.defaults().maxConnections()), 64L << 20);
    }

    /**
     * @param config      the storage settings
     * @param hostsConfig known-host settings for simulated nodes (real nodes bring their own)
     * @param storeBytes  chunk store capacity of each node
     */
    public PcgStorage(PcgConfig config, KnownHostsConfig hostsConfig, long storeBytes) {
        this(config, hostsConfig, storeBytes, Optional.empty());
    }

    private PcgStorage(PcgConfig config, KnownHostsConfig hostsConfig, long storeBytes,
                       Optional<HealthConfig> detector) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.config = Objects.requireNonNull(config, "config");
        this.hostsConfig = Objects.requireNonNull(hostsConfig, "hostsConfig");
        if (storeBytes < 1) {
            throw new IllegalArgumentException("storeBytes must be positive, got " + storeBytes);
        }
        this.storeBytes = storeBytes;
    }

    /**
     * The same storage with a {@link FailureDetector} on every node, installed after the known hosts and before the
     * storage, so silent deaths reach the storage as {@code PeerSilentException}s; the name gets {@code +fd}.
     */
    public PcgStorage withFailureDetector(HealthConfig health) {
        return new PcgStorage(config, hostsConfig, storeBytes, Optional.of(health));
    }

    @Override
    public String name() {
        String name = config.adaptive() ? "pcg-r" + config.replication() + "-" + config.maxReplication()
            : "pcg-r" + config.replication();
        return detector.isPresent() ? name + "+fd" : name;
    }

    @Override
    public DataPeer install(Node node) {
        if (!(node instanceof ButterNode)) {
            node.install(new KnownHosts(hostsConfig, () -> 0L)); // a real node has its own
        }
        detector.ifPresent(health -> node.install(new FailureDetector(health)));
        Joiner joiner = node instanceof ButterNode ? Joiner.knockingWhileLonely() : new Joiner();
        node.install(joiner);
        MemoryChunkStore store = new MemoryChunkStore(storeBytes);
        PeerContentGroups groups = new PeerContentGroups(config, store);
        node.install(new Retrieval(RetrievalConfig.defaults(), groups));
        node.install(groups);
        PcgPeer peer = new PcgPeer(node, groups, joiner, store);
        peers.add(peer);
        return peer;
    }

    /** The real known hosts, retrieval and storage, with the attacks on top ({@link Attacker#install}). */
    @Override
    public DataPeer installMalicious(Node node, List<AttackBehaviour> attacks, Intel intel) {
        if (!(node instanceof ButterNode)) {
            node.install(new KnownHosts(hostsConfig, () -> 0L));
        }
        Joiner joiner = node instanceof ButterNode ? Joiner.knockingWhileLonely() : new Joiner();
        node.install(joiner);
        MemoryChunkStore store = new MemoryChunkStore(storeBytes);
        PeerContentGroups groups = new PeerContentGroups(config, store);
        Attacker.install(node, attacks, intel, groups, RetrievalConfig.defaults());
        PcgPeer peer = new PcgPeer(node, groups, joiner, store);
        peers.add(peer);
        return peer;
    }

    /** Groups recruit their members from the known hosts. */
    @Override
    public boolean storesOnKnownHosts() {
        return true;
    }

    /** The peers holding the item now, dead or alive, except the dead ones {@link #available} forgot already. */
    @Override
    public Set<PeerId> holders(ItemKey key) {
        ContentId id = contentId(key);
        Set<PeerId> holders = new HashSet<>();
        for (PcgPeer peer : peers) {
            if (peer.groups().holds(id)) {
                holders.add(peer.node().id());
            }
        }
        return holders;
    }

    /**
     * Counts from the live peers' held blocks, not per key over every peer that ever ran: the cost follows the
     * copies held, so a sample of a 100,000-node network stays cheap. Peers not in {@code alive} are dead for good
     * (the scenario replaces the dead, it never restarts them) and are forgotten here, with their stores, so a long
     * churn run does not keep every node that ever ran: {@link #holders} no longer names them.
     */
    @Override
    public int available(Collection<ItemKey> keys, Set<PeerId> alive) {
        Set<ContentId> wanted = new HashSet<>();
        for (ItemKey key : keys) {
            wanted.add(contentId(key));
        }
        Set<ContentId> found = new HashSet<>();
        for (Iterator<PcgPeer> it = peers.iterator(); it.hasNext(); ) {
            PcgPeer peer = it.next();
            if (!alive.contains(peer.node().id())) {
                it.remove();
            } else if (found.size() < wanted.size()) {
                for (ContentId block : peer.groups().heldBlocks()) {
                    if (wanted.contains(block)) {
                        found.add(block);
                    }
                }
            }
        }
        return found.size();
    }

    private static ContentId contentId(ItemKey key) {
        return ContentId.fromBytes(HexFormat.of().parseHex(key.hex()));
    }

    /** Routes whose requests keep the data alive: everything of the protocol but reads. */
    @Override
    public Set<String> maintenanceRoutes() {
        return Set.of(PeerContentGroups.STORE_ROUTE, PeerContentGroups.BEAT_ROUTE, PeerContentGroups.TRIM_ROUTE,
            PeerContentGroups.DELETE_ROUTE);
    }
}
