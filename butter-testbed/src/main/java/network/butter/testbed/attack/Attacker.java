package network.butter.testbed.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.Cancellable;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.protocol.LoopHandler;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.retrieve.HeldContent;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.retrieve.Search;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;

/**
 * The hostile part of a malicious node: a protocol installed after the node's honest ones that runs its
 * {@link AttackBehaviour}s once a second on the node loop, answers the routes they take over, and sends their
 * messages through {@link #send}, which counts every message per attack and stops at {@link #MAX_SENDS_PER_TICK}
 * a second and {@link #MAX_SENDS} in all, so no attack floods without bound.
 *
 * <p>Install with {@link #install}: it wraps the honest storage and search so that their routes can be taken over.
 */
public final class Attacker implements Protocol {

    /** How often the attacks act. */
    static final long TICK_MS = 1_000;
    /** Most messages one malicious node sends in one tick. */
    static final int MAX_SENDS_PER_TICK = 600;
    /** Most messages one malicious node sends in a run. */
    static final int MAX_SENDS = 60_000;
    /** Timeout of the attacks' requests. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Most searches one malicious node starts in one tick to find the members of blocks it learnt. */
    static final int MAX_SEARCHES_PER_TICK = 4;

    private final List<AttackBehaviour> behaviours;
    private final Intel intel;
    private final PeerContentGroups storage;
    private Retrieval retrieval;
    private ProtocolContext context;
    private KnownHosts knownHosts;
    private Cancellable ticker = Cancellable.NONE;
    private int sentThisTick;
    private int sent;
    private int searchesThisTick;
    private long ticks;

    private Attacker(List<AttackBehaviour> behaviours, Intel intel, PeerContentGroups storage) {
        this.behaviours = List.copyOf(behaviours);
        this.intel = Objects.requireNonNull(intel, "intel");
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * Installs on {@code node} the honest search and storage, wrapped so the attacks can take routes over, then the
     * attacker itself. The node must have its known hosts installed already.
     *
     * @return the attacker
     */
    public static Attacker install(Node node, List<AttackBehaviour> behaviours, Intel intel, PeerContentGroups storage,
                                   RetrievalConfig retrievalConfig) {
        Attacker attacker = new Attacker(behaviours, intel, storage);
        HeldContent held = storage;
        for (AttackBehaviour behaviour : behaviours) {
            held = behaviour.heldContent(held);
        }
        attacker.retrieval = new Retrieval(retrievalConfig, held);
        node.install(new InterceptedProtocol(attacker.retrieval, attacker));
        node.install(new InterceptedProtocol(storage, attacker));
        node.install(attacker);
        return attacker;
    }

    @Override
    public String name() {
        return "testbed-attacker";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.knownHosts = ctx.protocol(KnownHosts.class).orElseThrow(() -> new IllegalStateException(
            "an attacker picks its victims from the known hosts: install KnownHosts first"));
        intel.addMalicious(ctx.self().id());
        ticker = ctx.loop().schedule(TICK_MS, this::tick);
    }

    @Override
    public void stop() {
        ticker.cancel();
    }

    private void tick() {
        ticks++;
        sentThisTick = 0;
        searchesThisTick = 0;
        for (ContentId block : heldBlocks()) {
            intel.learnMembers(block, storage.alsoHeldBy(block));
        }
        for (AttackBehaviour behaviour : behaviours) {
            behaviour.tick(this);
        }
        ticker = context.loop().schedule(TICK_MS, this::tick);
    }

    /** The handler for {@code route}: each attack may take it over; block ids asked for are learnt first. */
    LoopHandler intercept(String route, LoopHandler honest) {
        LoopHandler handler = honest;
        for (AttackBehaviour behaviour : behaviours) {
            handler = behaviour.intercept(route, handler, this);
        }
        LoopHandler answer = handler;
        if (route.equals(PeerContentGroups.FETCH_ROUTE)) {
            return request -> {
                if (request.payload().length == ContentId.LENGTH_BYTES) {
                    intel.learnBlock(ContentId.fromBytes(request.payload()));
                }
                return answer.handle(request);
            };
        }
        if (route.equals(Retrieval.QUERY_ROUTE)) {
            return request -> {
                learnQueried(request);
                return answer.handle(request);
            };
        }
        return answer;
    }

    private void learnQueried(Request request) {
        byte[] payload = request.payload();
        if (payload.length >= 16 + ContentId.LENGTH_BYTES) {
            intel.learnBlock(ContentId.fromBytes(Arrays.copyOfRange(payload, 16, 16 + ContentId.LENGTH_BYTES)));
        }
    }

    /**
     * Sends a hostile message, counted as {@code <attack>.sent} (and {@code <attack>.sent:<route>}), unless this
     * node's budget for the tick or the run is spent.
     *
     * @return the reply, or empty if the budget is spent
     */
    public Optional<CompletableFuture<Reply>> send(AttackBehaviour attack, PeerAddress peer, String route, byte[] payload) {
        if (sentThisTick >= MAX_SENDS_PER_TICK || sent >= MAX_SENDS || peer.id().equals(context.self().id())) {
            return Optional.empty();
        }
        sentThisTick++;
        sent++;
        intel.count(attack.name() + ".sent", 1);
        intel.count(attack.name() + ".sent:" + route, 1);
        return Optional.of(context.request(peer, route, payload, REQUEST_TIMEOUT));
    }

    /** Whether this node may still send this tick. */
    public boolean canSend() {
        return sentThisTick < MAX_SENDS_PER_TICK && sent < MAX_SENDS;
    }

    /**
     * Asks the network who holds {@code block} (the honest search), recording every holder named in the intel;
     * at most {@link #MAX_SEARCHES_PER_TICK} a tick.
     */
    public void findMembers(ContentId block) {
        if (searchesThisTick >= MAX_SEARCHES_PER_TICK) {
            return;
        }
        searchesThisTick++;
        try {
            Search[] running = new Search[1];
            running[0] = retrieval.search(block, null, candidate -> {
                List<PeerAddress> holders = new ArrayList<>();
                if (candidate.confirmed()) {
                    holders.add(candidate.holder());
                }
                holders.addAll(candidate.alsoHeldBy());
                intel.learnMembers(block, holders);
            });
            running[0].widen();
        } catch (IllegalStateException | IllegalArgumentException tooManySearches) {
            intel.count("search.refused", 1);
        }
    }

    /**
     * Fetches {@code block} from {@code holder} with a plain fetch and reads the answer: a stamp, the data and the
     * holder's group, which the fetch route hands to anyone.
     */
    public CompletableFuture<Optional<Wire.FetchAnswer>> fetch(AttackBehaviour attack, PeerAddress holder, ContentId block) {
        return send(attack, holder, PeerContentGroups.FETCH_ROUTE, block.toBytes())
            .map(reply -> reply.handle((answer, error) -> {
                if (error != null) {
                    return Optional.<Wire.FetchAnswer>empty();
                }
                try {
                    return Optional.of(Wire.fetchAnswer(answer.payload()));
                } catch (WireFormatException e) {
                    return Optional.<Wire.FetchAnswer>empty();
                }
            }))
            .orElse(CompletableFuture.completedFuture(Optional.empty()));
    }

    /** The node's known hosts other than attackers, in the known hosts' order. */
    public List<PeerAddress> honestHosts() {
        List<PeerAddress> hosts = new ArrayList<>();
        for (KnownHost host : knownHosts.hosts()) {
            if (!intel.isMalicious(host.address().id())) {
                hosts.add(host.address());
            }
        }
        return hosts;
    }

    /**
     * The blocks this node's honest storage holds, in id order: the storage's own set iterates in an order that
     * changes from one JVM to the next, and a simulated run must repeat exactly from its seed.
     */
    public List<ContentId> heldBlocks() {
        return List.copyOf(new TreeSet<>(storage.heldBlocks()));
    }

    /** The shared intel of the run's attackers. */
    public Intel intel() {
        return intel;
    }

    /** This node's honest storage (which attacks may read, e.g. which blocks it holds). */
    public PeerContentGroups storage() {
        return storage;
    }

    /** This node's protocol context. */
    public ProtocolContext context() {
        return context;
    }

    /** Ticks run so far. */
    public long ticks() {
        return ticks;
    }
}
