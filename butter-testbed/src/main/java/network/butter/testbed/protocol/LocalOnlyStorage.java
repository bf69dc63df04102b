package network.butter.testbed.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import network.butter.api.Node;
import network.butter.identity.PeerId;

/**
 * The baseline data protocol, built only on what exists today: an item lives on the node that stored it and
 * nowhere else, and a retriever finds it by a breadth-first search over the peers each node was told about.
 * Nothing is replicated, so an item is lost as soon as its one holder dies: under churn, availability falls
 * with the holders' survival rate. That is the point: it is the floor a persistence protocol (Peer Content
 * Groups) has to beat, measured by the same scenario.
 *
 * <p>Routes:
 * <ul>
 *   <li>{@value #HELLO_ROUTE} — a joining node greets the peers it was given; each remembers the caller, so the
 *       overlay has links both ways. Empty request and reply.</li>
 *   <li>{@value #GET_ROUTE} — request: the item key as text. Reply: byte {@code 1} and the content if this node
 *       holds the item; otherwise byte {@code 0} and the peers it knows, one {@code id@host:port} per line, so
 *       the retriever can ask them next.</li>
 * </ul>
 * The search is driven by the retriever alone (no forwarding), level by level, up to {@link Config#ttl()}
 * levels and {@link Config#maxQueries()} peers per retrieval.
 */
public final class LocalOnlyStorage implements DataProtocol {

    /** Route a joining node calls on each peer it was given. */
    public static final String HELLO_ROUTE = "testbed/hello";

    /** Route that answers an item, or the peers to ask next. */
    public static final String GET_ROUTE = "testbed/get";

    private final Config config;
    private final Map<ItemKey, Set<PeerId>> holders = new ConcurrentHashMap<>();

    /** The baseline with {@link Config#defaults()}. */
    public LocalOnlyStorage() {
        this(Config.defaults());
    }

    /** The baseline with the given search settings. */
    public LocalOnlyStorage(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "local-only";
    }

    @Override
    public DataPeer install(Node node) {
        LocalOnlyPeer peer = new LocalOnlyPeer(node, config, this::recordHolder);
        node.handle(HELLO_ROUTE, peer::onHello);
        node.handle(GET_ROUTE, peer::onGet);
        return peer;
    }

    @Override
    public Set<PeerId> holders(ItemKey key) {
        return Set.copyOf(holders.getOrDefault(key, Set.of()));
    }

    private void recordHolder(ItemKey key, PeerId holder) {
        holders.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(holder);
    }

    /**
     * How the baseline searches and remembers peers.
     *
     * @param ttl            levels of the breadth-first search: 1 asks only the retriever's own peers
     * @param maxQueries     most peers asked for one item, whatever the level
     * @param maxKnownPeers  most peers a node remembers; the oldest is forgotten first
     * @param requestTimeout how long a retriever waits for each peer's answer
     * @param joinTimeout    how long a joining node waits for each greeting to be answered; generous, because a
     *                       whole real cluster starting at once makes every node open TLS connections together
     */
    public record Config(int ttl, int maxQueries, int maxKnownPeers, Duration requestTimeout, Duration joinTimeout) {

        /** Checks every value is usable. */
        public Config {
            if (ttl < 1 || maxQueries < 1 || maxKnownPeers < 1) {
                throw new IllegalArgumentException("ttl, maxQueries and maxKnownPeers must be >= 1, got " + ttl + ", "
                    + maxQueries + ", " + maxKnownPeers);
            }
            requirePositive("requestTimeout", requestTimeout);
            requirePositive("joinTimeout", joinTimeout);
        }

        /** TTL 6, at most 1,000 peers asked per item, 32 peers remembered, 2 s per answer, 30 s per greeting. */
        public static Config defaults() {
            return new Config(6, 1_000, 32, Duration.ofSeconds(2), Duration.ofSeconds(30));
        }

        private static void requirePositive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }
}
