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
import network.butter.api.OverloadedException;
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
 * <p>What a query may cost is bounded by {@link QueryLimits}: a node honours at most {@code maxFloodTtl} more hops of
 * a query it forwards to several peers, forwards one query to at most {@code maxFanOut} peers, and handles at most a
 * token bucket's worth of queries from each peer and for each requester; a query over budget is refused with
 * {@code OVERLOADED} and counted ({@link #queriesRefused()}). The acknowledgement of a query says whether the node
 * holds the block, so a node that sent a query where a summary promised a copy learns whether the summary was true.
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
    /** The empty answer of the one-way routes (hit, summary push). */
    static final byte[] ACK = new byte[0];
    /** Acknowledgement of a query by a node that does not hold the block. */
    static final byte[] NOT_HELD = {RetrieveMessages.NOT_HELD};
    /** Acknowledgement of a query by a node that holds the block (its hit goes to the requester). */
    static final byte[] HELD = {RetrieveMessages.HELD};

    private final RetrievalConfig config;
    private final HeldContent content;
    private final SummaryExchange summaries;
    private final Map<Integer, SearchStrategy> strategies = new HashMap<>();
    private final Map<QueryId, Long> seen = new LinkedHashMap<>();
    /** The running searches by the ids of their rounds' queries (a search in its third round is here three times). */
    private final Map<QueryId, Search> searches = new HashMap<>();
    private int runningSearches;
    private final QueryBudget fromBudget;
    private final QueryBudget requesterBudget;
    private long queriesRefused;
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
        this.fromBudget = new QueryBudget(config.queryLimits());
        this.requesterBudget = new QueryBudget(config.queryLimits());
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
        knownHosts.onAdmitted(host -> summaries.admitted(host.address()));
        ctx.handle(QUERY_ROUTE, this::onQuery);
        ctx.handle(HIT_ROUTE, this::onHit);
        ctx.handle(SUBSCRIBE_ROUTE, summaries::onSubscribe);
        ctx.handle(SUMMARY_ROUTE, summaries::onSummary);
        ticker = ctx.loop().schedule(1 + ctx.random().nextLong(config.summaryIntervalMs()), this::tick);
    }

    @Override
    public void stop() {
        ticker.cancel();
        Set.copyOf(searches.values()).forEach(Search::close);
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
        if (runningSearches >= config.maxSearches()) {
            throw new IllegalStateException(runningSearches + " searches are running, the most this node allows");
        }
        SearchQuery query = new SearchQuery(QueryId.random(context.random()), block, context.self(), chosen.code(),
            chosen.ttl(), chosen.parameter());
        remember(query.id());
        Search search = new Search(this, query, chosen, listener);
        searches.put(query.id(), search);
        runningSearches++;
        search.start(likelyHolders(block, chosen));
        return search;
    }

    /**
     * Finds a peer that holds {@code block}, for applications: sends the query at once and completes with the
     * first holder that answered, or empty when none answered within its rounds' search timeouts (see
     * {@link Search#over()}). Safe from any thread.
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

    /** Queries this node refused because a peer or requester had spent its budget (see {@link QueryLimits}); on the loop. */
    public long queriesRefused() {
        return queriesRefused;
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

    List<Candidate> likelyHolders(ContentId block, SearchStrategy strategy) {
        List<Candidate> likely = new ArrayList<>();
        strategy.likelyHolders(block, neighbourhood(Set.of())).forEach(peer -> likely.add(new Candidate(peer, List.of(), false)));
        return likely;
    }

    /** The query of a search's next round: a new id, registered for {@code search}, and {@code wider}'s parameter. */
    SearchQuery nextRound(Search search, SearchQuery last, SearchStrategy wider) {
        SearchQuery next = new SearchQuery(QueryId.random(context.random()), last.block(), last.requester(),
            wider.code(), wider.ttl(), wider.parameter());
        remember(next.id());
        searches.put(next.id(), search);
        return next;
    }

    int sendFirstHops(SearchQuery query, SearchStrategy strategy) {
        List<PeerAddress> hops = strategy.firstHops(query, neighbourhood(Set.of()));
        hops.forEach(hop -> send(hop, query, strategy, null, new HashSet<>()));
        return hops.size();
    }

    void summaryOutcome(PeerId host, boolean held) {
        if (held) {
            summaries.heldAsClaimed(host);
        } else {
            summaries.notHeldAsClaimed(host);
        }
    }

    void finished(List<QueryId> ids) {
        ids.forEach(searches::remove);
        runningSearches--;
    }

    // ---- routes ----

    private Reply onQuery(Request request) throws WireFormatException {
        SearchQuery query = RetrieveMessages.decodeQuery(request.payload());
        PeerId from = request.from().id();
        long now = context.loop().nowMillis();
        if (!fromBudget.take(from, now)) {
            throw refusal("from " + from.shortForm());
        }
        boolean holds = content.holds(query.block());
        if (!remember(query.id())) {
            return Reply.of(holds ? HELD : NOT_HELD);
        }
        // A requester is only a claim unless it asked directly (then its connection's budget is charged already):
        // charging forwarded queries alone means a forger naming someone else cannot block that peer's own asks.
        PeerId requester = query.requester().id();
        if (!requester.equals(from) && !requesterBudget.take(requester, now)) {
            throw refusal("for requester " + requester.shortForm());
        }
        if (holds) {
            List<PeerAddress> also = content.alsoHeldBy(query.block());
            Hit hit = new Hit(query.id(), query.block(), context.self(),
                also.subList(0, Math.min(also.size(), RetrieveMessages.MAX_ALSO_HELD_BY)));
            context.request(query.requester(), HIT_ROUTE, hit.encode(), Duration.ofMillis(HOP_TIMEOUT_MS));
            return Reply.of(HELD);
        }
        SearchStrategy strategy = strategies.get(query.strategy());
        if (strategy == null) {
            log.debug("{}: a query of unknown strategy {} from {}", context.self().id().shortForm(), query.strategy(),
                request.from());
        } else if (query.ttl() > 1) {
            forward(query, strategy, from);
        }
        return Reply.of(NOT_HELD);
    }

    /**
     * Sends a query on as its strategy says, within {@link QueryLimits}: a flood (more than one next hop) keeps at
     * most {@code maxFloodTtl} hops, and at most {@code maxFanOut} next hops are taken.
     */
    private void forward(SearchQuery query, SearchStrategy strategy, PeerId from) {
        QueryLimits limits = config.queryLimits();
        Set<PeerId> failed = new HashSet<>();
        Neighbourhood here = neighbourhood(failed);
        List<PeerAddress> hops = strategy.nextHops(query, here, from);
        int ttl = hops.size() > 1 ? Math.min(query.ttl(), limits.maxFloodTtl()) : query.ttl();
        if (ttl <= 1) {
            return;
        }
        if (hops.size() > limits.maxFanOut()) {
            hops = Strategies.randomSubset(hops, limits.maxFanOut(), here);
        }
        SearchQuery next = query.withTtl(ttl - 1);
        hops.forEach(hop -> send(hop, next, strategy, from, failed));
    }

    private OverloadedException refusal(String whose) {
        queriesRefused++;
        QueryLimits limits = config.queryLimits();
        return new OverloadedException("query budget " + whose + " spent (" + limits.queriesPerSecond()
            + " queries/s, bursts of " + limits.queryBurst() + "); query dropped");
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
        boolean promised = summaries.mayHold(hop.id(), query.block());
        context.request(hop, QUERY_ROUTE, RetrieveMessages.encodeQuery(query), Duration.ofMillis(HOP_TIMEOUT_MS))
            .whenComplete((reply, error) -> {
                if (error == null && promised) {
                    learn(hop.id(), reply.payload());
                }
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

    /** A host whose summary promised the block said whether it holds it: the summary was true or it lied. */
    private void learn(PeerId hop, byte[] acknowledgement) {
        if (acknowledgement.length != 1) {
            return;
        }
        if (acknowledgement[0] == RetrieveMessages.HELD || acknowledgement[0] == RetrieveMessages.NOT_HELD) {
            summaryOutcome(hop, acknowledgement[0] == RetrieveMessages.HELD);
        }
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
