package network.butter.hosts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import network.butter.api.Reply;
import network.butter.discover.HostSink;
import network.butter.env.Cancellable;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's bounded, diverse, live list of known hosts (the original's {@code node/} module).
 *
 * <ul>
 *   <li><b>Admission.</b> A candidate (from discovery, bootstrap or peer exchange) is polled first, over the
 *       authenticated transport. While the list has room it is admitted. When full it is admitted only if it is
 *       known by nobody (then the host that most others also know makes way, so nobody is orphaned), if it
 *       makes the list more diverse (its {@link HostClass} is rarer than the most crowded class, whose
 *       shortest-lived member makes way), or by a small random chance.</li>
 *   <li><b>Liveness, adaptively.</b> A host not heard from (no frame of any protocol) for its poll interval is
 *       polled; the interval starts at {@link KnownHostsConfig#pollIntervalMs()} and doubles with every poll it
 *       answers (the poll exchange that admitted it counts as the first), up to {@link KnownHostsConfig#maxPollIntervalMs()}, which also bounds how old its quality gets.
 *       A host that does not answer within {@link KnownHostsConfig#pollTimeoutMs()}, or that any protocol reports
 *       unreachable, is evicted at once. So a stable host, or one that talks to this node anyway, costs few
 *       polls.</li>
 *   <li><b>One exchange per pair.</b> A poll carries the poller's own {@link HostQuality} ({@link PollRequest}):
 *       the polled node refreshes a known poller's quality from it, and considers an unknown one from it without
 *       polling back. A known host heard from at a new address (one it advertised) is listed
 *       under that address from then on.</li>
 *   <li><b>Peer exchange.</b> A newly admitted host is asked for a sample of its hosts while the list, with the
 *       candidates being polled, holds fewer than {@value #EAGER_EXCHANGE_HOSTS} (a young node needs hosts soon:
 *       storage places copies on them), one such sample at a time (one names up to 16 candidates), and a
 *       random host is asked at poll rounds while the list has room. Of a sample asked on admission, candidates
 *       are polled only until the list (counting those on probation) would hold {@value #EAGER_EXCHANGE_HOSTS}; of a
 *       round's sample, up to {@value #FILL_PER_ROUND} more, within the room the list has. A round's sample that brings no
 *       host this node did not know already doubles the time to the next round's (up to
 *       {@link KnownHostsConfig#maxPollIntervalMs()}), so a node that knows most of a small network stops asking. An
 *       ambassador answers with hosts of other subnets than the asker's first: it introduces subnetworks to each
 *       other.</li>
 *   <li><b>Introductions.</b> An ambassador that admits a host that called it, or hears a known host at a new
 *       address (a relayed one, say), introduces it ({@link #INTRODUCE_ROUTE}) to up to {@value #INTRODUCTION_FANOUT} random known
 *       hosts within half a second, batched; they consider it as any candidate (a poll first). A node whose own
 *       address changed polls its known hosts at once ({@link #announceSelf()}), so they, and the ambassadors
 *       among them, know the new address within a round trip. A candidate that failed its poll is not polled again
 *       at the same address for a poll interval, but at a new one at once (one offered while the first was being
 *       polled is tried as soon as that poll fails).</li>
 *   <li><b>Ambassadors kept.</b> While the list holds no more than {@link KnownHostsConfig#keptAmbassadors()}
 *       ambassadors, none of them makes way for a newcomer (a dead one is still evicted).</li>
 * </ul>
 */
public final class KnownHosts implements Protocol, HostSink {

    /**
     * Route answering a poll ({@link PollRequest}: whether the poller keeps this node in its list, only then does
     * it count as knowing it, and the poller's quality) with this node's {@link HostQuality}.
     */
    public static final String POLL_ROUTE = "butter/hosts/poll";
    /** Route answering with a {@link HostSample} of known hosts. */
    public static final String SAMPLE_ROUTE = "butter/hosts/sample";
    /**
     * Route carrying a {@link HostSample} of hosts an ambassador introduces; answered with an empty reply. Taken only
     * from a known host, and each introduced host is only a candidate.
     */
    public static final String INTRODUCE_ROUTE = "butter/hosts/introduce";
    /**
     * While the list holds fewer hosts than this, every newly admitted host is asked for a sample at once, so a
     * young node soon knows enough hosts to place copies on; beyond it the list fills through the periodic rounds.
     * Asking every admitted host while the list had room (64 by default) cost a sample and up to a sample's worth of
     * polls per admission, most of those candidates turned away by then: the largest part of a churning network's
     * upkeep.
     */
    static final int EAGER_EXCHANGE_HOSTS = 16;
    /**
     * Candidates of one round's sample polled at most once the list holds {@value #EAGER_EXCHANGE_HOSTS}: beyond that
     * a list fills at a few hosts a round instead of at once. Filling each newcomer's list to its capacity from the
     * samples it asked while joining cost about fifty polls per newcomer, most of a churning network's known-host
     * traffic (the seed's heartbeat experiment: 3.9 known-host messages per node per second; 2.3 with this).
     */
    static final int FILL_PER_ROUND = 4;
    /** Most known hosts one batch of introductions goes to. */
    static final int INTRODUCTION_FANOUT = 8;
    /** How long an ambassador collects hosts to introduce before sending them in one batch, in milliseconds. */
    static final long INTRODUCTION_DELAY_MS = 500;

    private static final Logger log = LoggerFactory.getLogger(KnownHosts.class);
    private static final int MAX_PROBATION = 32;
    private static final int MAX_REMEMBERED_REJECTIONS = 1024;
    private static final int MAX_POLLERS = 0xFFFF;
    private static final byte[] EMPTY = new byte[0];

    private final KnownHostsConfig config;
    private volatile LongSupplier storageAvailableBytes;
    private volatile BooleanSupplier ambassador = () -> false;
    private final Map<PeerId, KnownHost> hosts = new HashMap<>();
    /**
     * The hosts in admission order, and beside each the tally of its diversity class: scanned without hashing or
     * copying.
     */
    private final List<KnownHost> order = new ArrayList<>();
    private final List<ClassCounts.Tally> tallies = new ArrayList<>();
    /**
     * Beside each host of {@link #order}, how many hosts said they know it: a candidate known by nobody is weighed
     * against these, and reading them from each host's quality was two cache misses a host in a large simulation.
     */
    private int[] knownByOf = new int[16];
    private final ClassCounts classCounts = new ClassCounts();
    /** How many listed hosts said in their last poll that they are ambassadors. */
    private int ambassadors;
    private final Set<PeerId> probation = new HashSet<>();
    /** Another address offered for a host on probation: tried if the poll at the first one fails. */
    private final Map<PeerId, PeerAddress> offeredMeanwhile = new HashMap<>();
    /**
     * Where a host on probation was heard from while its poll was on its way (it advertised another address, or the
     * poll reached it over a connection it opened itself): it is admitted there, not at the older address offered.
     */
    private final Map<PeerId, PeerAddress> heardMeanwhile = new HashMap<>();
    private final Map<PeerId, Rejection> rejectedAt = new LinkedHashMap<>();
    private final Map<PeerId, PeerAddress> toIntroduce = new LinkedHashMap<>();
    private final Map<PeerId, Long> polledBy = new HashMap<>();
    private final Map<PeerId, PollSchedule> schedules = new HashMap<>();
    /**
     * The list as published: a new array when a host comes or goes, and a host's entry written in place when it is
     * refreshed (its quality, its address), because copying the whole list for every poll answer was the largest
     * allocation of a large simulation. {@link #snapshot} is a read-only view of it.
     */
    private KnownHost[] published = new KnownHost[0];
    private volatile List<KnownHost> snapshot = List.of();
    private final List<Consumer<KnownHost>> admissionListeners = new ArrayList<>();
    private final List<Consumer<KnownHost>> moveListeners = new ArrayList<>();
    private ProtocolContext context;
    private long startedAtMs;
    private boolean stopped;
    private Cancellable ticker = Cancellable.NONE;
    private Cancellable introductions = Cancellable.NONE;
    private long admitted;
    private long evicted;
    private long rejected;
    private long sampleIntervalMs;
    private long nextSampleAtMs;
    /** Whether a sample asked on an admission is on its way: one at a time, each names up to a sample's size. */
    private boolean eagerSampleAsked;

    /**
     * When a known host is next due for a poll: it is polled once not heard from for {@code intervalMs}, or once
     * its last poll is {@link KnownHostsConfig#maxPollIntervalMs()} old (so it keeps counting this node as knowing
     * it, and its quality stays fresh).
     */
    private static final class PollSchedule {
        /** The listed host it is for: frames from known hosts find it here without a second lookup. */
        private KnownHost host;
        private long intervalMs;
        private long heardAtMs;
        private long polledAtMs;

        private PollSchedule(KnownHost host, long intervalMs, long nowMs) {
            this.host = host;
            this.intervalMs = intervalMs;
            this.heardAtMs = nowMs;
            this.polledAtMs = nowMs;
        }

        private boolean due(long nowMs, long maxIntervalMs) {
            return nowMs - heardAtMs >= intervalMs || nowMs - polledAtMs >= maxIntervalMs;
        }
    }

    /**
     * @param config                capacity, polling and acceptance settings
     * @param storageAvailableBytes how much storage this node offers, reported in its polls
     */
    public KnownHosts(KnownHostsConfig config, LongSupplier storageAvailableBytes) {
        this.config = Objects.requireNonNull(config, "config");
        this.storageAvailableBytes = Objects.requireNonNull(storageAvailableBytes, "storageAvailableBytes");
    }

    @Override
    public String name() {
        return "known-hosts";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.startedAtMs = ctx.loop().nowMillis();
        this.sampleIntervalMs = config.pollIntervalMs();
        ctx.handle(POLL_ROUTE, request -> {
            PollRequest poll = PollRequest.decode(request.payload());
            if (poll.listed() && (polledBy.size() < MAX_POLLERS || polledBy.containsKey(request.from().id()))) {
                polledBy.put(request.from().id(), ctx.loop().nowMillis());
            }
            HostQuality mine = quality();
            polledWith(request.from(), poll.poller()); // whoever polls us is a live node worth considering
            return Reply.of(mine.encode());
        });
        ctx.handle(SAMPLE_ROUTE, request -> Reply.of(HostSample.encode(sample(request.from()))));
        ctx.handle(INTRODUCE_ROUTE, request -> {
            List<PeerAddress> introduced = HostSample.decode(request.payload());
            if (hosts.containsKey(request.from().id())) {
                introduced.stream().limit(config.sampleSize()).forEach(this::offer);
            }
            return Reply.of(EMPTY);
        });
        ctx.onPeerHeardAt(this::follow);
        ctx.onPeerHeard(this::heard);
        ctx.onPeerFailed((peer, cause) -> evict(peer, cause::getMessage));
        ticker = ctx.loop().schedule(1 + ctx.random().nextLong(config.pollIntervalMs()), this::tick);
    }

    @Override
    public void stop() {
        stopped = true;
        ticker.cancel();
        introductions.cancel();
    }

    /**
     * The known hosts now, in admission order; safe to read from any thread. The list is read-only and keeps its hosts
     * and their order (a host admitted or evicted later is not in it, or still in it); until a host comes or goes, an
     * entry may be refreshed in place by the same host with a newer quality or address.
     */
    public List<KnownHost> hosts() {
        return snapshot;
    }

    /** When the protocol started, on the node loop's clock (milliseconds); admission times compare to it. */
    public long startedAtMs() {
        return startedAtMs;
    }

    /**
     * Calls {@code listener} on the node loop for every host admitted from now on, after first replaying the hosts
     * already known, so no admission is missed whenever it registers. The listener must be quick.
     */
    public void onAdmitted(Consumer<KnownHost> listener) {
        Objects.requireNonNull(listener, "listener");
        if (context == null) {
            admissionListeners.add(listener);
            return;
        }
        context.loop().execute(() -> {
            order.forEach(listener);
            admissionListeners.add(listener);
        });
    }

    /**
     * Calls {@code listener} on the node loop whenever a known host is listed under a new address from now on (it
     * advertised another one): the CLI prints it, so a user and the NAT lab see where each peer is known now, not
     * only where it was admitted. The listener must be quick.
     */
    public void onMoved(Consumer<KnownHost> listener) {
        Objects.requireNonNull(listener, "listener");
        if (context == null) {
            moveListeners.add(listener);
        } else {
            context.loop().execute(() -> moveListeners.add(listener));
        }
    }

    /**
     * From now on, reports in polls the storage that {@code availableBytes} says this node offers: a storage
     * protocol installed after the known hosts calls this, so recruiters can see the room it has.
     */
    public void reportStorage(LongSupplier availableBytes) {
        this.storageAvailableBytes = Objects.requireNonNull(availableBytes, "availableBytes");
    }

    /**
     * From now on, reports in polls whether this node is an ambassador as {@code isAmbassador} says: the wider
     * layer, installed after the known hosts, calls this so the flag follows its reachability verdict.
     */
    public void reportAmbassador(BooleanSupplier isAmbassador) {
        this.ambassador = Objects.requireNonNull(isAmbassador, "isAmbassador");
    }

    /** The configuration in force. */
    public KnownHostsConfig config() {
        return config;
    }

    /** Hosts admitted, evicted, and candidates rejected, since start: {admitted, evicted, rejected}. */
    public long[] counters() {
        return new long[] {admitted, evicted, rejected};
    }


    /** What this node reports about itself when polled. */
    public HostQuality quality() {
        return new HostQuality(context.loop().nowMillis() - startedAtMs, storageAvailableBytes.getAsLong(),
            hosts.size(), polledBy.size(), ambassador.getAsBoolean(), config.geoTag());
    }

    @Override
    public boolean lonely() {
        return hosts.isEmpty();
    }

    @Override
    public void offer(PeerAddress candidate) {
        offer(candidate, false);
    }

    /**
     * Considers {@code candidate}; {@code fromItself} when it called this node itself (a poll), so that an
     * ambassador introduces it once admitted. Hosts heard of from others (samples, introductions) are not introduced
     * again, so an introduction reaches one ring of hosts rather than spreading through every ambassador.
     */
    private void offer(PeerAddress candidate, boolean fromItself) {
        PeerId id = candidate.id();
        if (stopped || id.equals(context.self().id()) || hosts.containsKey(id) || recentlyRejected(candidate)) {
            return;
        }
        if (probation.contains(id)) {
            if (offeredMeanwhile.size() < MAX_PROBATION || offeredMeanwhile.containsKey(id)) {
                offeredMeanwhile.put(id, candidate);
            }
            return;
        }
        if (probation.size() >= MAX_PROBATION) {
            return;
        }
        probation.add(id);
        poll(candidate, false, quality -> {
            probation.remove(id);
            offeredMeanwhile.remove(id);
            PeerAddress heard = heardMeanwhile.remove(id);
            consider(heard != null ? heard : candidate, quality, fromItself);
        }, reason -> {
            probation.remove(id);
            heardMeanwhile.remove(id);
            remember(candidate);
            PeerAddress other = offeredMeanwhile.remove(id);
            if (other != null && !other.equals(candidate)) {
                offer(other, fromItself); // e.g. its relayed address, introduced while its LAN address was tried
            }
        });
    }

    /**
     * A known host heard from at another address than the one on the list has changed it (the wider layer
     * advertised one that works from outside its LAN, or a relayed one): the list follows, so samples pass on the
     * address that works. A host on probation is admitted at the address it was last heard from. The sender's id is
     * authenticated and it can only advertise addresses with its own id.
     */
    private void follow(PeerAddress caller) {
        // Nearly every frame comes from a known host: its schedule (just looked up by heard, so in the cache) says
        // so in one lookup; the probation set and the host map, each a cache miss in a large simulation, only after.
        PollSchedule schedule = schedules.get(caller.id());
        if (schedule == null) {
            if (probation.contains(caller.id())) {
                heardMeanwhile.put(caller.id(), caller); // bounded: only hosts on probation, at most MAX_PROBATION
            }
            return;
        }
        KnownHost known = schedule.host;
        if (!known.address().equals(caller)) {
            KnownHost moved = new KnownHost(caller, known.quality(), HostClass.subnetOf(caller.host()),
                known.admittedAtMs(), known.lastSeenMs());
            replace(known, moved);
            for (Consumer<KnownHost> listener : moveListeners) {
                listener.accept(moved);
            }
            introduce(caller);
        }
    }

    /**
     * A poll from {@code poller} carrying its quality: a known poller's quality is refreshed by it (this node still
     * polls it at least every {@link KnownHostsConfig#maxPollIntervalMs()}, so it stays counted as knowing the
     * poller); an unknown one is considered on it, as if this node had polled it.
     */
    private void polledWith(PeerAddress poller, HostQuality quality) {
        PeerId id = poller.id();
        KnownHost known = hosts.get(id);
        if (known != null) {
            replace(known, new KnownHost(known.address(), quality, known.subnet(), known.admittedAtMs(),
                context.loop().nowMillis()));
            return;
        }
        if (stopped || id.equals(context.self().id()) || probation.contains(id) || recentlyRejected(poller)) {
            return;
        }
        consider(poller, quality, true);
    }

    /** Any frame from a known host proves it alive: its liveness poll can wait. */
    private void heard(PeerId peer) {
        PollSchedule schedule = schedules.get(peer);
        if (schedule != null) {
            schedule.heardAtMs = context.loop().nowMillis();
        }
    }

    /** A candidate turned away at an address, and when. */
    private record Rejection(PeerAddress address, long atMs) {
    }

    private boolean recentlyRejected(PeerAddress candidate) {
        Rejection rejection = rejectedAt.get(candidate.id());
        return rejection != null && rejection.address().equals(candidate)
            && context.loop().nowMillis() - rejection.atMs() < config.pollIntervalMs();
    }

    /**
     * Notes a rejection. Entries are in time order (a repeat goes to the end), so those too old to matter to
     * {@link #recentlyRejected} are dropped from the head first: the map holds the last poll interval's
     * rejections, not always the last {@value #MAX_REMEMBERED_REJECTIONS} (most of a simulated node's heap once).
     */
    private void remember(PeerAddress candidate) {
        long now = context.loop().nowMillis();
        Iterator<Rejection> expired = rejectedAt.values().iterator();
        while (expired.hasNext() && now - expired.next().atMs() >= config.pollIntervalMs()) {
            expired.remove();
        }
        rejectedAt.remove(candidate.id());
        rejectedAt.put(candidate.id(), new Rejection(candidate, now));
        if (rejectedAt.size() > MAX_REMEMBERED_REJECTIONS) {
            Iterator<PeerId> oldest = rejectedAt.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void consider(PeerAddress candidate, HostQuality quality, boolean fromItself) {
        if (stopped || hosts.containsKey(candidate.id())) {
            return;
        }
        String subnet = HostClass.subnetOf(candidate.host());
        if (hosts.size() < config.capacity()) {
            admit(candidate, quality, subnet, fromItself);
            return;
        }
        KnownHost victim = victimFor(HostClass.of(subnet, quality), quality);
        if (victim == null) {
            rejected++;
            remember(candidate);
            return;
        }
        evict(victim.address().id(), () -> "making way for " + candidate.id().shortForm());
        admit(candidate, quality, subnet, fromItself);
    }

    /**
     * Who makes way for a candidate to a full list, or null if the candidate is not worth a place. The usual
     * answer (a candidate of a common class, not taken by chance) reads only counters kept up to date; the list
     * is scanned only when someone is to make way.
     */
    private KnownHost victimFor(HostClass candidateClass, HostQuality quality) {
        boolean keepAmbassadors = ambassadors <= config.keptAmbassadors();
        int evictable = keepAmbassadors ? order.size() - ambassadors : order.size();
        if (evictable == 0) {
            return null;
        }
        if (quality.knownBy() == 0) {
            // Known by nobody: take it, in place of the host most others know too, so that host stays known.
            int best = -1;
            for (int i = 0; i < order.size(); i++) {
                if (knownByOf[i] >= 2 && (best < 0 || knownByOf[i] > knownByOf[best]) && evictable(i, keepAmbassadors)) {
                    best = i;
                }
            }
            if (best >= 0) {
                return order.get(best);
            }
        }
        int crowded = classCounts.mostCrowded();
        if (classCounts.count(candidateClass) + 1 < crowded) {
            KnownHost shortestLived = null;
            for (int i = 0; i < order.size(); i++) {
                KnownHost host = order.get(i);
                if (tallies.get(i).hosts() == crowded && evictable(i, keepAmbassadors)
                    && (shortestLived == null || host.quality().uptimeMs() < shortestLived.quality().uptimeMs())) {
                    shortestLived = host;
                }
            }
            if (shortestLived != null) {
                return shortestLived;
            }
        }
        if (config.randomAcceptance() > 0 && context.random().nextDouble() < config.randomAcceptance()) {
            int skip = context.random().nextInt(evictable);
            for (int i = 0; i < order.size(); i++) {
                if (evictable(i, keepAmbassadors) && skip-- == 0) {
                    return order.get(i);
                }
            }
        }
        return null;
    }

    /** Whether the host at {@code index} of {@link #order} may make way: its quality is read only if it may matter. */
    private boolean evictable(int index, boolean keepAmbassadors) {
        return !keepAmbassadors || ambassadors == 0 || !order.get(index).quality().ambassador();
    }

    private void admit(PeerAddress address, HostQuality quality, String subnet, boolean introduce) {
        long now = context.loop().nowMillis();
        KnownHost host = new KnownHost(address, quality, subnet, now, now);
        hosts.put(address.id(), host);
        // Admitted on a poll exchange just completed (its answer to this node's poll, or its own poll carrying its
        // quality): that counts as the first poll it answered, so its interval has doubled already.
        schedules.put(address.id(), new PollSchedule(host, Math.min(2 * config.pollIntervalMs(),
            config.maxPollIntervalMs()), now));
        order.add(host);
        if (order.size() > knownByOf.length) {
            knownByOf = Arrays.copyOf(knownByOf, 2 * knownByOf.length);
        }
        knownByOf[order.size() - 1] = quality.knownBy();
        tallies.add(classCounts.add(host.hostClass()));
        ambassadors += quality.ambassador() ? 1 : 0;
        admitted++;
        publish();
        for (Consumer<KnownHost> listener : admissionListeners) {
            listener.accept(host);
        }
        if (log.isDebugEnabled()) {
            log.debug("{} knows {} ({} hosts)", context.self().id().shortForm(), address, hosts.size());
        }
        if (introduce) {
            introduce(address);
        }
        if (hosts.size() + probation.size() < Math.min(config.capacity(), EAGER_EXCHANGE_HOSTS) && !eagerSampleAsked) {
            eagerSampleAsked = true;
            exchangeWith(address, 0).whenComplete((answered, error) -> eagerSampleAsked = false);
        }
    }

    /** Forgets a host; {@code reason} is only spelled out when debug logging is on (ids in text cost an encoding). */
    private void evict(PeerId id, Supplier<String> reason) {
        KnownHost gone = hosts.remove(id);
        if (gone != null) {
            schedules.remove(id);
            int at = indexOf(gone);
            order.remove(at);
            System.arraycopy(knownByOf, at + 1, knownByOf, at, order.size() - at);
            classCounts.remove(tallies.remove(at));
            ambassadors -= gone.quality().ambassador() ? 1 : 0;
            evicted++;
            publish();
            if (log.isDebugEnabled()) {
                log.debug("{} forgot {}: {}", context.self().id().shortForm(), id.shortForm(), reason.get());
            }
        }
    }

    /** Puts {@code updated} in the place of {@code current}, a listed host with the same id, also where published. */
    private void replace(KnownHost current, KnownHost updated) {
        hosts.put(updated.address().id(), updated);
        schedules.get(updated.address().id()).host = updated;
        int at = indexOf(current);
        order.set(at, updated);
        knownByOf[at] = updated.quality().knownBy();
        ClassCounts.Tally before = tallies.get(at);
        HostClass after = updated.hostClass();
        if (!after.equals(before.hostClass())) {
            classCounts.remove(before);
            tallies.set(at, classCounts.add(after));
        }
        ambassadors += (updated.quality().ambassador() ? 1 : 0) - (current.quality().ambassador() ? 1 : 0);
        published[at] = updated; // the same host: the published list keeps its hosts and order
    }

    /** Where a listed host stands in {@link #order}: compared by reference, so no id is read. */
    private int indexOf(KnownHost listed) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) == listed) {
                return i;
            }
        }
        throw new IllegalStateException("a listed host is missing from the admission order");
    }

    /** Publishes the list after a host came or went. */
    private void publish() {
        published = order.toArray(new KnownHost[0]);
        snapshot = Collections.unmodifiableList(Arrays.asList(published));
    }

    /**
     * This node's own address changed (the wider layer advertised one that works from outside): polls every known
     * host now, so each hears this node at the new address at once. Call on the node loop.
     */
    public void announceSelf() {
        if (!stopped && context != null) {
            snapshot.forEach(this::pollKnown);
        }
    }

    /** As an ambassador, queues {@code address} to be introduced to other known hosts in the next batch. */
    private void introduce(PeerAddress address) {
        if (!ambassador.getAsBoolean()) {
            return;
        }
        toIntroduce.remove(address.id());
        toIntroduce.put(address.id(), address);
        if (toIntroduce.size() > config.sampleSize()) {
            toIntroduce.remove(toIntroduce.keySet().iterator().next());
        }
        if (toIntroduce.size() == 1) {
            introductions = context.loop().schedule(INTRODUCTION_DELAY_MS, this::sendIntroductions);
        }
    }

    private void sendIntroductions() {
        List<PeerAddress> batch = List.copyOf(toIntroduce.values());
        toIntroduce.clear();
        if (stopped) {
            return;
        }
        List<KnownHost> recipients = new ArrayList<>(hosts.values());
        for (int i = recipients.size() - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            recipients.set(i, recipients.set(j, recipients.get(i)));
        }
        int sent = 0;
        for (KnownHost recipient : recipients) {
            if (sent >= INTRODUCTION_FANOUT) {
                return;
            }
            List<PeerAddress> forRecipient = batch.stream()
                .filter(address -> !address.id().equals(recipient.address().id())).toList();
            if (!forRecipient.isEmpty()) {
                sent++;
                context.request(recipient.address(), INTRODUCE_ROUTE, HostSample.encode(forRecipient),
                    Duration.ofMillis(config.pollTimeoutMs()));
            }
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long now = context.loop().nowMillis();
        polledBy.values().removeIf(at -> now - at > 2 * config.maxPollIntervalMs());
        for (KnownHost host : snapshot) {
            if (schedules.get(host.address().id()).due(now, config.maxPollIntervalMs())) {
                pollKnown(host);
            }
        }
        if (!order.isEmpty() && order.size() < config.capacity() && now >= nextSampleAtMs) {
            nextSampleAtMs = now + sampleIntervalMs;
            exchangeWith(order.get(context.random().nextInt(order.size())).address(), FILL_PER_ROUND);
        }
        ticker = context.loop().schedule(config.pollIntervalMs(), this::tick);
    }

    private void pollKnown(KnownHost host) {
        PeerId id = host.address().id();
        poll(host.address(), true, quality -> {
            KnownHost current = hosts.get(id);
            if (current != null) {
                long answeredAt = context.loop().nowMillis();
                replace(current, new KnownHost(current.address(), quality, current.subnet(), current.admittedAtMs(), answeredAt));
                PollSchedule schedule = schedules.get(id);
                schedule.intervalMs = Math.min(2 * schedule.intervalMs, config.maxPollIntervalMs());
                schedule.heardAtMs = answeredAt;
                schedule.polledAtMs = answeredAt;
            }
        }, reason -> evict(id, () -> "missed a poll: " + reason));
    }

    private void poll(PeerAddress peer, boolean listed, Consumer<HostQuality> onQuality, Consumer<String> onFailure) {
        byte[] request = new PollRequest(listed, quality()).encode();
        context.request(peer, POLL_ROUTE, request, Duration.ofMillis(config.pollTimeoutMs())).whenComplete((reply, error) -> {
            if (error != null) {
                onFailure.accept(error.getMessage());
                return;
            }
            try {
                onQuality.accept(HostQuality.decode(reply.payload()));
            } catch (WireFormatException e) {
                onFailure.accept("bad poll answer: " + e.getMessage());
            }
        });
    }

    /**
     * Asks {@code peer} for a sample and polls its candidates that are news, until the list (with those on
     * probation) would hold {@value #EAGER_EXCHANGE_HOSTS}, or {@code beyondEager} more than now if that is more,
     * and never beyond its capacity: a poll of a host a full list turns away is wasted.
     */
    private CompletableFuture<Reply> exchangeWith(PeerAddress peer, int beyondEager) {
        return context.request(peer, SAMPLE_ROUTE, EMPTY, Duration.ofMillis(config.pollTimeoutMs())).whenComplete((reply, error) -> {
            if (error != null || stopped) {
                return;
            }
            try {
                boolean news = false;
                int fillTo = Math.min(config.capacity(),
                    Math.max(EAGER_EXCHANGE_HOSTS, hosts.size() + probation.size() + beyondEager));
                for (PeerAddress candidate : HostSample.decode(reply.payload())) {
                    PeerId id = candidate.id();
                    news |= !id.equals(context.self().id()) && !hosts.containsKey(id) && !probation.contains(id)
                        && !rejectedAt.containsKey(id);
                    if (hosts.size() + probation.size() < fillTo) {
                        offer(candidate);
                    }
                }
                sampleIntervalMs = news ? config.pollIntervalMs() : Math.min(2 * sampleIntervalMs, config.maxPollIntervalMs());
            } catch (WireFormatException e) {
                log.debug("ignoring a bad host sample from {}: {}", peer, e.getMessage());
            }
        });
    }

    /**
     * Up to {@code sampleSize} random known hosts, never the requester itself; an ambassador puts hosts of other
     * subnets than the requester's first.
     */
    private List<PeerAddress> sample(PeerAddress requester) {
        KnownHost[] candidates = new KnownHost[order.size()];
        int count = 0;
        for (int i = 0; i < order.size(); i++) {
            KnownHost host = order.get(i);
            if (!host.address().id().equals(requester.id())) {
                candidates[count++] = host;
            }
        }
        for (int i = count - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            KnownHost swapped = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = swapped;
        }
        if (ambassador.getAsBoolean()) {
            String subnet = HostClass.subnetOf(requester.host());
            Arrays.sort(candidates, 0, count, Comparator.comparing(host -> host.subnet().equals(subnet)));
        }
        PeerAddress[] chosen = new PeerAddress[Math.min(config.sampleSize(), count)];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = candidates[i].address();
        }
        return List.of(chosen);
    }
}
