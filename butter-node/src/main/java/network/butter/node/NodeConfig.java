package network.butter.node;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import network.butter.api.Limits;
import network.butter.api.PeerBudget;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.HostPort;
import network.butter.node.discover.DiscoveryConfig;
import network.butter.node.portmap.PortMapperConfig;
import network.butter.persist.PcgConfig;
import network.butter.wider.AmbassadorMode;
import network.butter.wider.WiderConfig;

/**
 * How to run a node. Build one with {@link Butter#node(java.util.function.Consumer)}; every setting has a
 * sensible default, so {@code Butter.node(cfg -> {})} is a working node.
 *
 * @param host              address to listen on (default {@code 0.0.0.0}; use {@code 127.0.0.1} for tests)
 * @param port              TCP port to listen on (default 0: any free port, see {@code node.address()})
 * @param advertisedHost    host other nodes should dial, or null to derive it from {@code host}
 * @param dataDirectory     where the node keeps its identity and its storage chunks (in
 *                          {@value StorageConfig#CHUNK_DIRECTORY}), so that it is the same peer holding the same
 *                          content after a restart; or null for a fresh identity each run and chunks in memory
 * @param memoryBudgetBytes memory the operator grants the node; limits derive from it (default 512 MiB)
 * @param limits            explicit limits, or null to derive them from the memory budget
 * @param bootstrap         addresses of nodes to connect to at start
 * @param eventLoopGroup    Netty event loops to run on, or null for the process-wide shared ones
 * @param discovery         how to find peers on the LAN by multicast, or null (the default) for no discovery:
 *                          a library node multicasts only when asked to
 * @param knownHosts        how the node keeps its known-host list, or null to derive it from the memory budget and
 *                          the connection limit
 * @param storage           how the node takes part in persistent storage (on by default, see
 *                          {@link Builder#storage(boolean)}), or null for a node without storage
 * @param peerBudget        how much loop work one peer may cause (rate per protocol route, peers tracked), or null
 *                          to derive it from the memory budget ({@link PeerBudget#forMemoryBudget(long)})
 * @param portMapping       how to ask the home router to forward the listening port (PCP, NAT-PMP or UPnP IGD), or null
 *                          not to ask; on by default, see {@link Builder#portMapping(boolean)}. A node listening on
 *                          loopback never asks
 * @param wider             how the node takes part in a network that spans NATs (reachability checks, ambassador
 *                          role, relays, hole punching), or null for none; on by default except on loopback, see
 *                          {@link Builder#wider(boolean)}
 */
public record NodeConfig(String host, int port, String advertisedHost, Path dataDirectory, long memoryBudgetBytes,
                         Limits limits, List<HostPort> bootstrap, EventLoopGroup eventLoopGroup,
                         DiscoveryConfig discovery, KnownHostsConfig knownHosts, StorageConfig storage,
                         PeerBudget peerBudget, PortMapperConfig portMapping, WiderConfig wider) {

    /**
     * Checks the values and derives the limits and the per-peer budget if none were given.
     *
     * @throws IllegalArgumentException if a value is out of range, or the storage does not fit the limits or (in
     *                                  memory) the memory budget
     */
    public NodeConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (limits == null) {
            limits = Limits.forMemoryBudget(memoryBudgetBytes);
        }
        if (peerBudget == null) {
            peerBudget = PeerBudget.forMemoryBudget(memoryBudgetBytes);
        }
        if (knownHosts == null) {
            knownHosts = KnownHostsConfig.forMemoryBudget(memoryBudgetBytes, limits.maxConnections());
        }
        bootstrap = List.copyOf(bootstrap);
        if (storage != null) {
            storage.checkFits(limits, memoryBudgetBytes, dataDirectory != null);
        }
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder for {@link NodeConfig}; see the record components for what each setting means. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port;
        private String advertisedHost;
        private Path dataDirectory;
        private long memoryBudgetBytes = Limits.DEFAULT_MEMORY_BUDGET_BYTES;
        private Limits limits;
        private final List<HostPort> bootstrap = new ArrayList<>();
        private EventLoopGroup eventLoopGroup;
        private DiscoveryConfig discovery;
        private KnownHostsConfig knownHosts;
        private boolean storage = true;
        private PcgConfig storageProtocol;
        private Long storageCapacityBytes;
        private PeerBudget peerBudget;
        private PortMapperConfig portMapping = PortMapperConfig.defaults();
        private Boolean widerOn;
        private WiderConfig wider;
        private AmbassadorMode ambassador = AmbassadorMode.AUTO;
        private boolean relay = true;

        Builder() {
        }

        /** Address to listen on. */
        public Builder host(String value) {
            this.host = value;
            return this;
        }

        /** Port to listen on; 0 picks a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Host that other nodes should dial. */
        public Builder advertisedHost(String value) {
            this.advertisedHost = value;
            return this;
        }

        /** Directory for the node's identity and data; created if missing. */
        public Builder dataDirectory(Path value) {
            this.dataDirectory = value;
            return this;
        }

        /** Memory budget in bytes; the limits are derived from it unless set explicitly. */
        public Builder memoryBudgetBytes(long value) {
            this.memoryBudgetBytes = value;
            return this;
        }

        /** Explicit limits, overriding those derived from the memory budget. */
        public Builder limits(Limits value) {
            this.limits = value;
            return this;
        }

        /** An explicit per-peer budget for protocol routes, overriding the one derived from the memory budget. */
        public Builder peerBudget(PeerBudget value) {
            this.peerBudget = value;
            return this;
        }

        /** Adds a bootstrap address. */
        public Builder bootstrap(HostPort value) {
            this.bootstrap.add(Objects.requireNonNull(value, "bootstrap address"));
            return this;
        }

        /** Netty event loops to use instead of the shared ones (the caller shuts them down). */
        public Builder eventLoopGroup(EventLoopGroup value) {
            this.eventLoopGroup = value;
            return this;
        }

        /**
         * Finds peers on the LAN by UDP multicast, e.g. {@code discovery(DiscoveryConfig.defaults())}; null
         * switches discovery off again. Off unless set.
         */
        public Builder discovery(DiscoveryConfig value) {
            this.discovery = value;
            return this;
        }

        /** Known-host settings, overriding those derived from the memory budget. */
        public Builder knownHosts(KnownHostsConfig value) {
            this.knownHosts = value;
            return this;
        }

        /**
         * Whether the node takes part in persistent storage: keeps copies for the network and offers
         * {@link ButterNode#storage()}. On by default, since a Butter network stores content on its nodes; switch it
         * off for a node that only serves routes, or that installs a storage protocol of its own.
         */
        public Builder storage(boolean value) {
            this.storage = value;
            return this;
        }

        /**
         * Whether the node asks its home router (the gateway of the default route) to forward its listening port, by
         * PCP, NAT-PMP or UPnP IGD, so that peers on the internet can dial it; the mapping is renewed while the node
         * runs and removed when it shuts down. On by default, as most nodes sit behind a home router; a node listening
         * on loopback never asks. Off: {@code portMapping(false)}.
         */
        public Builder portMapping(boolean value) {
            this.portMapping = value ? PortMapperConfig.defaults() : null;
            return this;
        }

        /** Port mapping with explicit settings (lease, time limits, protocols), e.g. a short lease for tests. */
        public Builder portMapping(PortMapperConfig value) {
            this.portMapping = Objects.requireNonNull(value, "port mapping");
            return this;
        }

        /**
         * Whether the node takes part in a network that spans NATs: it has peers dial it back to learn whether it is
         * reachable, advertises only addresses that were dialled back, keeps relay reservations while private, serves
         * as an ambassador while public, and punches holes to peers it reaches through a relay. On by default, except
         * for a node listening on loopback, where every peer can dial every other and there is nothing to cross.
         * {@code wider(true)} turns it on even there.
         */
        public Builder wider(boolean value) {
            this.widerOn = value;
            return this;
        }

        /**
         * The wider layer with explicit settings (check intervals, rate limits, relay budget), on even on loopback;
         * {@link #ambassador} and {@link #relay} still apply on top.
         */
        public Builder wider(WiderConfig value) {
            this.wider = Objects.requireNonNull(value, "wider settings");
            this.widerOn = true;
            return this;
        }

        /**
         * Whether the node serves as an ambassador (introducer and relay for nodes behind NATs): {@code AUTO} (the
         * default) while its reachability check finds it public, {@code ON} always ({@code --ambassador}), {@code OFF}
         * never ({@code --no-ambassador}).
         */
        public Builder ambassador(AmbassadorMode value) {
            this.ambassador = Objects.requireNonNull(value, "ambassador mode");
            return this;
        }

        /**
         * Whether the node uses relays while private and relays for others while an ambassador; on by default,
         * {@code relay(false)} for {@code --no-relay}.
         */
        public Builder relay(boolean value) {
            this.relay = value;
            return this;
        }

        /** Peer Content Groups settings, overriding {@link StorageConfig#defaultProtocol(Limits)}. */
        public Builder storageProtocol(PcgConfig value) {
            this.storageProtocol = Objects.requireNonNull(value, "storage protocol");
            return this;
        }

        /**
         * The most bytes the chunk store holds, overriding {@link StorageConfig#defaultCapacityBytes}: 1 GiB on disk
         * with a data directory, a quarter of the memory budget in memory without one (at most half of it).
         */
        public Builder storageCapacityBytes(long value) {
            this.storageCapacityBytes = value;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a value is out of range or the storage does not fit the limits or
         *                                  the memory budget
         */
        public NodeConfig build() {
            return new NodeConfig(host, port, advertisedHost, dataDirectory, memoryBudgetBytes, limits, bootstrap,
                eventLoopGroup, discovery, knownHosts, storage ? storageConfig() : null, peerBudget, portMapping,
                widerConfig());
        }

        /** The wider settings: null when off, else the explicit ones or those of the memory budget, with the roles. */
        private WiderConfig widerConfig() {
            if (widerOn == null ? isLoopback(host) : !widerOn) {
                return null;
            }
            WiderConfig base = wider != null ? wider : WiderConfig.forMemoryBudget(memoryBudgetBytes,
                (limits != null ? limits : Limits.forMemoryBudget(memoryBudgetBytes)).maxConnections());
            return base.withAmbassador(ambassador).withRelay(relay);
        }

        private static boolean isLoopback(String host) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }

        /** The storage settings, derived from the other settings where none were given. */
        private StorageConfig storageConfig() {
            PcgConfig protocol = storageProtocol != null ? storageProtocol
                : StorageConfig.defaultProtocol(limits != null ? limits : Limits.forMemoryBudget(memoryBudgetBytes));
            long capacity = storageCapacityBytes != null ? storageCapacityBytes
                : StorageConfig.defaultCapacityBytes(dataDirectory != null, memoryBudgetBytes);
            return new StorageConfig(protocol, capacity);
        }
    }
}
