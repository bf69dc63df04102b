package network.butter.hosts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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
 *       answers, up to {@link KnownHostsConfig#maxPollIntervalMs()}, which also bounds how old its quality gets.
 *       A host that does not answer within {@link KnownHostsConfig#pollTimeoutMs()}, or that any protocol reports
 *       unreachable, is evicted at once. So a stable host, or one that talks to this node anyway, costs few
 *       polls.</li>
 *   <li><b>One exchange per pair.</b> A poll carries the poller's own {@link HostQuality} ({@link PollRequest}):
 *       the polled node refreshes a known poller's quality from it, and considers an unknown one from it without
 *       polling back. A known host heard from at a new address (one it advertised) is listed
 *       under that address from then on.</li>
 *   <li><b>Peer exchange.</b> A newly admitted host is asked for a sample of its hosts while the list has room
 *       (a young node needs many hosts soon: storage places copies on them), and a random host is asked at poll
 *       rounds while the list has room; a round's sample that brings no host this node did not know already
 *       doubles the time to the next round's (up to {@link KnownHostsConfig#maxPollIntervalMs()}), so a node that
 *       knows most of a small network stops asking. An
 *       ambassador answers with hosts of other subnets than the asker's first: it introduces subnetworks to each
 *       other.</li>
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

    private static final Logger log = LoggerFactory.getLogger(KnownHosts.class);
    private static final int MAX_PROBATION = 32;
    private static final int MAX_REMEMBERED_REJECTIONS = 1024;
    private static final int MAX_POLLERS = 0xFFFF;
    private static final byte[] EMPTY = new byte[0];

    private final KnownHostsConfig config;
    private volatile LongSupplier storageAvailableBytes;
    private volatile BooleanSupplier ambassador = () -> false;
    private final Map<PeerId, KnownHost> hosts = new LinkedHashMap<>();
    private final Set<PeerId> probation = new HashSet<>();
    private final Map<PeerId, Long> rejectedAt = new LinkedHashMap<>();
    private final Map<PeerId, Long> polledBy = new HashMap<>();
    private final Map<PeerId, PollSchedule> schedules = new HashMap<>();
    private volatile List<KnownHost> snapshot = List.of();
    private final List<Consumer<KnownHost>> admissionListeners = new ArrayList<>();
    private ProtocolContext context;
    private long startedAtMs;
    private boolean stopped;
    private Cancellable ticker = Cancellable.NONE;
    private long admitted;
    private long evicted;
    private long rejected;
    private long sampleIntervalMs;
    private long nextSampleAtMs;

    /**
     * When a known host is next due for a poll: it is polled once not heard from for {@code intervalMs}, or once
     * its last poll is {@link KnownHostsConfig#maxPollIntervalMs()} old (so it keeps counting this node as knowing
     * it, and its quality stays fresh).
     */
    private static final class PollSchedule {
        private long intervalMs;
        private long heardAtMs;
        private long polledAtMs;

        private PollSchedule(long intervalMs, long nowMs) {
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
        ctx.onPeerHeardAt(this::follow);
        ctx.onPeerHeard(this::heard);
        ctx.onPeerFailed((peer, cause) -> evict(peer, cause.getMessage()));
        ticker = ctx.loop().schedule(1 + ctx.random().nextLong(config.pollIntervalMs()), this::tick);
    }

    @Override
    public void stop() {
        stopped = true;
        ticker.cancel();
    }

    /** The known hosts now, in admission order; safe to read from any thread. */
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
            hosts.values().forEach(listener);
            admissionListeners.add(listener);
        });
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
        PeerId id = candidate.id();
        if (stopped || id.equals(context.self().id()) || hosts.containsKey(id) || probation.contains(id)
            || probation.size() >= MAX_PROBATION || recentlyRejected(id)) {
            return;
        }
        probation.add(id);
        poll(candidate, false, quality -> {
            probation.remove(id);
            consider(candidate, quality);
        }, reason -> {
            probation.remove(id);
            remember(id);
        });
    }

    /**
     * A known host heard from at another address than the one on the list has changed it (the wider layer
     * advertised one that works from outside its LAN, or a relayed one): the list follows, so samples pass on the
     * address that works. The sender's id is authenticated and it can only advertise addresses with its own id.
     */
    private void follow(PeerAddress caller) {
        KnownHost known = hosts.get(caller.id());
        if (known != null && !known.address().equals(caller)) {
            hosts.put(caller.id(), new KnownHost(caller, known.quality(), HostClass.subnetOf(caller.host()),
                known.admittedAtMs(), known.lastSeenMs()));
            publish();
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
            hosts.put(id, new KnownHost(known.address(), quality, known.subnet(), known.admittedAtMs(),
                context.loop().nowMillis()));
            publish();
            return;
        }
        if (stopped || id.equals(context.self().id()) || probation.contains(id) || recentlyRejected(id)) {
            return;
        }
        consider(poller, quality);
    }

    /** Any frame from a known host proves it alive: its liveness poll can wait. */
    private void heard(PeerId peer) {
        PollSchedule schedule = schedules.get(peer);
        if (schedule != null) {
            schedule.heardAtMs = context.loop().nowMillis();
        }
    }

    private boolean recentlyRejected(PeerId id) {
        Long at = rejectedAt.get(id);
        return at != null && context.loop().nowMillis() - at < config.pollIntervalMs();
    }

    private void remember(PeerId id) {
        rejectedAt.remove(id);
        rejectedAt.put(id, context.loop().nowMillis());
        if (rejectedAt.size() > MAX_REMEMBERED_REJECTIONS) {
            Iterator<PeerId> oldest = rejectedAt.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void consider(PeerAddress candidate, HostQuality quality) {
        if (stopped || hosts.containsKey(candidate.id())) {
            return;
        }
        String subnet = HostClass.subnetOf(candidate.host());
        if (hosts.size() < config.capacity()) {
            admit(candidate, quality, subnet);
            return;
        }
        KnownHost victim = victimFor(HostClass.of(subnet, quality), quality);
        if (victim == null) {
            rejected++;
            remember(candidate.id());
            return;
        }
        evict(victim.address().id(), "making way for " + candidate.id().shortForm());
        admit(candidate, quality, subnet);
    }

    /** Who makes way for a candidate to a full list, or null if the candidate is not worth a place. */
    private KnownHost victimFor(HostClass candidateClass, HostQuality quality) {
        long ambassadors = hosts.values().stream().filter(host -> host.quality().ambassador()).count();
        boolean keepAmbassadors = ambassadors <= config.keptAmbassadors();
        List<KnownHost> evictable = new ArrayList<>();
        for (KnownHost host : hosts.values()) {
            if (!(keepAmbassadors && host.quality().ambassador())) {
                evictable.add(host);
            }
        }
        if (evictable.isEmpty()) {
            return null;
        }
        if (quality.knownBy() == 0) {
            // Known by nobody: take it, in place of the host most others know too, so that host stays known.
            KnownHost best = null;
            for (KnownHost host : evictable) {
                if (host.quality().knownBy() >= 2 && (best == null || host.quality().knownBy() > best.quality().knownBy())) {
                    best = host;
                }
            }
            if (best != null) {
                return best;
            }
        }
        Map<HostClass, Integer> counts = new HashMap<>();
        for (KnownHost host : hosts.values()) {
            counts.merge(host.hostClass(), 1, Integer::sum);
        }
        int crowded = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (counts.getOrDefault(candidateClass, 0) + 1 < crowded) {
            KnownHost shortestLived = null;
            for (KnownHost host : evictable) {
                if (counts.get(host.hostClass()) == crowded
                    && (shortestLived == null || host.quality().uptimeMs() < shortestLived.quality().uptimeMs())) {
                    shortestLived = host;
                }
            }
            if (shortestLived != null) {
                return shortestLived;
            }
        }
        if (config.randomAcceptance() > 0 && context.random().nextDouble() < config.randomAcceptance()) {
            return evictable.get(context.random().nextInt(evictable.size()));
        }
        return null;
    }

    private void admit(PeerAddress address, HostQuality quality, String subnet) {
        long now = context.loop().nowMillis();
        KnownHost host = new KnownHost(address, quality, subnet, now, now);
        hosts.put(address.id(), host);
        schedules.put(address.id(), new PollSchedule(config.pollIntervalMs(), now));
        admitted++;
        publish();
        for (Consumer<KnownHost> listener : admissionListeners) {
            listener.accept(host);
        }
        log.debug("{} knows {} ({} hosts)", context.self().id().shortForm(), address, hosts.size());
        if (hosts.size() < config.capacity()) {
            exchangeWith(address);
        }
    }

    private void evict(PeerId id, String reason) {
        if (hosts.remove(id) != null) {
            schedules.remove(id);
            evicted++;
            publish();
            log.debug("{} forgot {}: {}", context.self().id().shortForm(), id.shortForm(), reason);
        }
    }

    private void publish() {
        snapshot = List.copyOf(hosts.values());
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long now = context.loop().nowMillis();
        polledBy.values().removeIf(at -> now - at > 2 * config.maxPollIntervalMs());
        for (KnownHost host : List.copyOf(hosts.values())) {
            PeerId id = host.address().id();
            if (!schedules.get(id).due(now, config.maxPollIntervalMs())) {
                continue;
            }
            poll(host.address(), true, quality -> {
                KnownHost current = hosts.get(id);
                if (current != null) {
                    long answeredAt = context.loop().nowMillis();
                    hosts.put(id, new KnownHost(current.address(), quality, current.subnet(), current.admittedAtMs(), answeredAt));
                    PollSchedule schedule = schedules.get(id);
                    schedule.intervalMs = Math.min(2 * schedule.intervalMs, config.maxPollIntervalMs());
                    schedule.heardAtMs = answeredAt;
                    schedule.polledAtMs = answeredAt;
                    publish();
                }
            }, reason -> evict(id, "missed a poll: " + reason));
        }
        if (!hosts.isEmpty() && hosts.size() < config.capacity() && now >= nextSampleAtMs) {
            nextSampleAtMs = now + sampleIntervalMs;
            List<KnownHost> all = new ArrayList<>(hosts.values());
            exchangeWith(all.get(context.random().nextInt(all.size())).address());
        }
        ticker = context.loop().schedule(config.pollIntervalMs(), this::tick);
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

    private void exchangeWith(PeerAddress peer) {
        context.request(peer, SAMPLE_ROUTE, EMPTY, Duration.ofMillis(config.pollTimeoutMs())).whenComplete((reply, error) -> {
            if (error != null || stopped) {
                return;
            }
            try {
                boolean news = false;
                for (PeerAddress candidate : HostSample.decode(reply.payload())) {
                    PeerId id = candidate.id();
                    news |= !id.equals(context.self().id()) && !hosts.containsKey(id) && !probation.contains(id)
                        && !rejectedAt.containsKey(id);
                    offer(candidate);
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
        List<KnownHost> candidates = new ArrayList<>();
        for (KnownHost host : hosts.values()) {
            if (!host.address().id().equals(requester.id())) {
                candidates.add(host);
            }
        }
        for (int i = candidates.size() - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            candidates.set(i, candidates.set(j, candidates.get(i)));
        }
        if (ambassador.getAsBoolean()) {
            String subnet = HostClass.subnetOf(requester.host());
            candidates.sort(Comparator.comparing(host -> host.subnet().equals(subnet)));
        }
        return candidates.subList(0, Math.min(config.sampleSize(), candidates.size())).stream()
            .map(KnownHost::address).toList();
    }
}
