package network.butter.retrieve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.Cancellable;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.retrieve.RetrieveMessages.Hit;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which peers hold a block on an unstructured network: the retrieval layer under
 * {@code PeerContentGroups.get}, usable on its own too.
 *
 * <p>A query carries a random id (each node handles it once), the requester's address (hits go straight back
 * there) and a {@link SearchStrategy} code with its TTL; the strategy decides where it goes at each hop. The
 * built-in strategies are {@link Bfs}, {@link RandomBfs} and the default {@link Informed}, which is steered by
 * the content summaries this protocol exchanges with the known hosts ({@link SummaryExchange}). A node that holds
 * the block answers with a hit and does not forward further.
 *
 * <p>Install it after {@link KnownHosts} and before the storage that uses it:
 * <pre>{@code
 * PeerContentGroups storage = new PeerContentGroups(PcgConfig.defaults(), store);
 * node.install(new Retrieval(RetrievalConfig.defaults(), storage));
 * node.install(storage);
 * }</pre>
 * Everything runs on the node loop; {@link #find} is the thread-safe entry for applications.
 */
public final class Retrieval implements Protocol {

    /** Route: a query travelling through the network. */
    public static final String QUERY_ROUTE = "butter/retrieve/query";
    /** Route: a holder telling the requester it has the block. */
    public static final String HIT_ROUTE = "butter/retrieve/hit";
    /** Route: a known host asking for this node's summaries (and to be sent changes). */
    public static final String SUBSCRIBE_ROUTE = "butter/retrieve/subscribe";
    /** Route: a node pushing its changed summaries to a subscriber. */
    public static final String SUMMARY_ROUTE = "butter/retrieve/summary";

    /** How long a node remembers a query it handled, in milliseconds. */
    static final long SEEN_QUERY_MS = 60_000;
    /** Timeout of one forwarded query or hit, in milliseconds. */
    static final long HOP_TIMEOUT_MS = 2_000;

    private static final Logger log = LoggerFactory.getLogger(Retrieval.class);
    /** The empty answer of the one-way routes (query, hit, summary push). */
    static final byte[] ACK = new byte[0];

    private final RetrievalConfig config;
    private final HeldContent content;
    private final SummaryExchange summaries;
    private final Map<Integer, SearchStrategy> strategies = new HashMap<>();
    private final Map<QueryId, Long> seen = new LinkedHashMap<>();
    private final Map<QueryId, Search> searches = new HashMap<>();
    private ProtocolContext context;
    private KnownHosts knownHosts;
    private Cancellable ticker = Cancellable.NONE;

    /**
     * @param config  settings
     * @param content what this node holds (its storage), for answering queries and for its summary
     */
    public Retrieval(RetrievalConfig config, HeldContent content) {
        this.config = Objects.requireNonNull(config, "config");
        this.content = Objects.requireNonNull(content, "content");
        this.summaries = new SummaryExchange(config, content);
        List.of(new Bfs(1), new RandomBfs(1, 0.5), new Informed(1, 1), config.defaultStrategy()).forEach(this::register);
    }

    /**
     * Lets this node forward queries of {@code strategy}'s code (the built-in strategies are registered already).
     * Call before the node starts.
     *
     * @throws IllegalStateException if another kind of strategy has the same code
     */
    public Retrieval register(SearchStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        if (strategy.code() < 0 || strategy.code() > 255) {
            throw new IllegalArgumentException("a strategy's code must be 0 to 255, got " + strategy.code());
        }
        SearchStrategy existing = strategies.putIfAbsent(strategy.code(), strategy);
        if (existing != null && existing.getClass() != strategy.getClass()) {
            throw new IllegalStateException("code " + strategy.code() + " is taken by " + existing.name());
        }
        return this;
    }

    @Override
    public String name() {
        return "retrieval";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.knownHosts = ctx.protocol(KnownHosts.class).orElseThrow(() -> new IllegalStateException(
            "retrieval searches through the known hosts: install KnownHosts on the node first"));
        summaries.start(ctx);
        ctx.handle(QUERY_ROUTE, this::onQuery);
        ctx.handle(HIT_ROUTE, this::onHit);
        ctx.handle(SUBSCRIBE_ROUTE, summaries::onSubscribe);
        ctx.handle(SUMMARY_ROUTE, summaries::onSummary);
        ticker = ctx.loop().schedule(1 + ctx.random().nextLong(config.summaryIntervalMs()), this::tick);
    }

    @Override
    public void stop() {
        ticker.cancel();
        List.copyOf(searches.values()).forEach(Search::close);
    }

    /** The settings in force. */
    public RetrievalConfig config() {
        return config;
    }

    /**
     * Starts a search on the node loop (for protocols such as storage): {@code listener} hears of each candidate
     * holder, on the loop. The caller must {@link Search#close()} it when satisfied; it also ends by itself (see
     * {@link Search#over()}).
     *
     * @param strategy how to search, or null for the default
     * @throws IllegalStateException if {@link RetrievalConfig#maxSearches()} searches are running, or the node has
     *                               not started
     */
    public Search search(ContentId block, SearchStrategy strategy, Consumer<Candidate> listener) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(listener, "listener");
        requireStarted();
        SearchStrategy chosen = strategy != null ? strategy : config.defaultStrategy();
        if (!strategies.containsKey(chosen.code())) {
            throw new IllegalArgumentException("strategy " + chosen.name() + " (code " + chosen.code()
                + ") is not registered on this node");
        }
        if (searches.size() >= config.maxSearches()) {
            throw new IllegalStateException(searches.size() + " searches are running, the most this node allows");
        }
        SearchQuery query = new SearchQuery(QueryId.random(context.random()), block, context.self(), chosen.code(),
            chosen.ttl(), chosen.parameter());
        remember(query.id());
        Search search = new Search(this, query, chosen, listener);
        searches.put(query.id(), search);
        List<Candidate> likely = new ArrayList<>();
        chosen.likelyHolders(block, neighbourhood(Set.of())).forEach(peer -> likely.add(new Candidate(peer, List.of(), false)));
        search.start(likely);
        return search;
    }

    /**
     * Finds a peer that holds {@code block}, for applications: sends the query at once and completes with the
     * first holder that answered, or empty when none answered within the search timeout. Safe from any thread.
     *
     * @param strategy how to search, or null for the default
     * @throws IllegalStateException if the node has not started
     */
    public CompletableFuture<Optional<Candidate>> find(ContentId block, SearchStrategy strategy) {
        Objects.requireNonNull(block, "block");
        requireStarted();
        CompletableFuture<Optional<Candidate>> result = context.newApplicationFuture();
        context.loop().execute(() -> {
            try {
                Search[] running = new Search[1];
                running[0] = search(block, strategy, candidate -> {
                    if (candidate.confirmed()) {
                        result.complete(Optional.of(candidate));
                        running[0].close();
                    }
                });
                running[0].widen();
                running[0].over().whenComplete((v, e) -> result.complete(Optional.empty()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** How many peers' summaries this node holds now (for tests and reports); on the loop. */
    public int summariesHeld() {
        return summaries.summariesHeld();
    }

    private void requireStarted() {
        if (context == null) {
            throw new IllegalStateException("retrieval has not started yet: install it on a node and start the node");
        }
    }

    // ---- for Search ----

    ProtocolContext context() {
        return context;
    }

    int sendFirstHops(SearchQuery query, SearchStrategy strategy) {
        List<PeerAddress> hops = strategy.firstHops(query, neighbourhood(Set.of()));
        hops.forEach(hop -> send(hop, query, strategy, null, new HashSet<>()));
        return hops.size();
    }

    void finished(QueryId id) {
        searches.remove(id);
    }

    // ---- routes ----

    private Reply onQuery(Request request) throws WireFormatException {
        SearchQuery query = RetrieveMessages.decodeQuery(request.payload());
        if (!remember(query.id())) {
            return Reply.of(ACK);
        }
        if (content.holds(query.block())) {
            List<PeerAddress> also = content.alsoHeldBy(query.block());
            Hit hit = new Hit(query.id(), query.block(), context.self(),
                also.subList(0, Math.min(also.size(), RetrieveMessages.MAX_ALSO_HELD_BY)));
            context.request(query.requester(), HIT_ROUTE, hit.encode(), Duration.ofMillis(HOP_TIMEOUT_MS));
            return Reply.of(ACK);
        }
        SearchStrategy strategy = strategies.get(query.strategy());
        if (strategy == null) {
            log.debug("{}: a query of unknown strategy {} from {}", context.self().id().shortForm(), query.strategy(),
                request.from());
        } else if (query.ttl() > 1) {
            PeerId from = request.from().id();
            Set<PeerId> failed = new HashSet<>();
            strategy.nextHops(query, neighbourhood(failed), from)
                .forEach(hop -> send(hop, query.forwarded(), strategy, from, failed));
        }
        return Reply.of(ACK);
    }

    private Reply onHit(Request request) throws WireFormatException {
        Hit hit = Hit.decode(request.payload());
        Search search = searches.get(hit.id());
        if (search != null && search.block().equals(hit.block()) && hit.holder().id().equals(request.from().id())) {
            search.offer(new Candidate(hit.holder(), hit.alsoHeldBy(), true));
        }
        return Reply.of(ACK);
    }

    /**
     * Sends a query one hop; if the hop fails and the strategy chose a single next hop (a walker), it chooses
     * again without the failed peers, so one dead host does not end a walk.
     */
    private void send(PeerAddress hop, SearchQuery query, SearchStrategy strategy, PeerId from, Set<PeerId> failed) {
        context.request(hop, QUERY_ROUTE, RetrieveMessages.encodeQuery(query), Duration.ofMillis(HOP_TIMEOUT_MS))
            .whenComplete((reply, error) -> {
                if (error == null || failed.size() >= 2 || from == null) {
                    return;
                }
                failed.add(hop.id());
                List<PeerAddress> again = strategy.nextHops(query, neighbourhood(failed), from);
                if (again.size() == 1) {
                    send(again.getFirst(), query, strategy, from, failed);
                }
            });
    }

    // ---- upkeep ----

    private void tick() {
        List<PeerAddress> hosts = new ArrayList<>();
        knownHosts.hosts().forEach(host -> hosts.add(host.address()));
        summaries.tick(hosts);
        expireSeen();
        long jitter = context.random().nextLong(Math.max(1, config.summaryIntervalMs() / 4));
        ticker = context.loop().schedule(config.summaryIntervalMs() - config.summaryIntervalMs() / 8 + jitter, this::tick);
    }

    /** Marks a query handled; false if it was already. */
    private boolean remember(QueryId id) {
        if (seen.containsKey(id)) {
            return false;
        }
        seen.put(id, context.loop().nowMillis());
        if (seen.size() > config.maxSeenQueries()) {
            seen.remove(seen.keySet().iterator().next());
        }
        return true;
    }

    private void expireSeen() {
        long oldest = context.loop().nowMillis() - SEEN_QUERY_MS;
        seen.values().removeIf(at -> at < oldest);
    }

    private Neighbourhood neighbourhood(Set<PeerId> excluded) {
        List<PeerAddress> hosts = new ArrayList<>();
        for (KnownHost host : knownHosts.hosts()) {
            if (!excluded.contains(host.address().id())) {
                hosts.add(host.address());
            }
        }
        return new Neighbourhood() {
            @Override
            public List<PeerAddress> knownHosts() {
                return hosts;
            }

            @Override
            public RandomGenerator random() {
                return context.random();
            }

            @Override
            public boolean mayHold(PeerId host, ContentId block) {
                return summaries.mayHold(host, block);
            }

            @Override
            public boolean mayReach(PeerId host, ContentId block) {
                return summaries.mayReach(host, block);
            }
        };
    }
}
