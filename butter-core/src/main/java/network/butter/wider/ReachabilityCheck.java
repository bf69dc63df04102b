package network.butter.wider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import network.butter.env.Cancellable;
import network.butter.hosts.HostClass;
import network.butter.hosts.KnownHost;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.ProtocolContext;
import network.butter.wider.WiderMessages.DialbackAnswer;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking side of reachability: which addresses this node might be reached at, which peers to ask, and when.
 *
 * <p><b>Candidates</b>, best first, at most {@link WiderConfig#maxCandidates()}: the port-mapped address (when the
 * router gave one), the listening address, then for each address peers saw this node's connections come from (most
 * recent first) that IP with the listening port, and the observed address itself.
 *
 * <p><b>Peers</b>: up to {@link WiderConfig#peersPerCheck()} known hosts with direct addresses that were not asked
 * within the last {@link WiderConfig#dialbackPerPeerMs()} (they would refuse), one per subnet as far as the list
 * allows, subnets other than this node's own first (a peer on the same LAN says nothing about the router), in random
 * order within those.
 *
 * <p><b>Observation first</b>: while no peer has said how it sees this node (and the router gave no mapping), a
 * round asks the direct known hosts not asked so before, however few (one bootstrap ambassador is enough), for the
 * observed address alone: a dial-back request with no candidates, which the serving side answers without dialling
 * and without counting it against its per-peer limit. An observed IP other than the listening one says the node is
 * behind a NAT ({@link #behindNat()}) long before a verdict, and the first real check then asks about the router's
 * address at once instead of wasting its peers' per-peer limits on the listening address alone.
 *
 * <p><b>When</b>: shortly after start; again a second after something changed (a new observed or mapped address, or
 * a new known host while the verdict is still unknown), so a node learns how it is seen from some peers and has its
 * addresses dialled back by others at once; otherwise after an interval that starts at
 * {@link WiderConfig#minCheckIntervalMs()} and doubles while the verdict stays the same, up to
 * {@link WiderConfig#maxCheckIntervalMs()}. No check is made while fewer than {@link WiderConfig#minAnswers()} known
 * hosts could answer; one that gets too few answers leaves the verdict as it was.
 */
final class ReachabilityCheck {

    private static final Logger log = LoggerFactory.getLogger(ReachabilityCheck.class);
    private static final int MAX_OBSERVED = 4;
    private static final long FIRST_CHECK_MAX_DELAY_MS = 1_000;
    /** How soon a check follows a change, or retries while the peers asked last may not be asked again yet. */
    private static final long SOON_MS = 1_000;
    private static final int REMEMBERED_PEERS = 1024;

    private final WiderConfig config;
    private final ProtocolContext ctx;
    private final Supplier<List<KnownHost>> hosts;
    private final HostPort listen;
    private final Consumer<Verdict> onVerdict;
    private final Runnable onLearnt;
    private final LinkedHashSet<HostPort> observed = new LinkedHashSet<>();
    private final Map<PeerId, Long> askedAtMs = new Bounded<>(REMEMBERED_PEERS);
    private final Map<PeerId, Boolean> askedToObserve = new Bounded<>(REMEMBERED_PEERS);
    private HostPort mapped;
    private Reachability last = Reachability.UNKNOWN;
    private long intervalMs;
    private long nextAtMs = Long.MAX_VALUE;
    private Cancellable timer = Cancellable.NONE;
    private boolean running;
    private boolean again;
    private boolean stopped;
    private long checks;

    ReachabilityCheck(WiderConfig config, ProtocolContext ctx, Supplier<List<KnownHost>> hosts, HostPort listen,
                      Consumer<Verdict> onVerdict, Runnable onLearnt) {
        this.config = config;
        this.ctx = ctx;
        this.hosts = hosts;
        this.listen = listen;
        this.onVerdict = onVerdict;
        this.onLearnt = onLearnt;
        this.intervalMs = config.minCheckIntervalMs();
    }

    void start() {
        scheduleAt(ctx.loop().nowMillis() + 1 + ctx.random().nextLong(FIRST_CHECK_MAX_DELAY_MS));
    }

    void stop() {
        stopped = true;
        timer.cancel();
    }

    /** Checks made since start. */
    long checks() {
        return checks;
    }

    /** Addresses peers saw this node's connections come from, most recent first. */
    List<HostPort> observed() {
        List<HostPort> list = new ArrayList<>(observed);
        return list.reversed();
    }

    /** The router's mapped address arrived, changed or went (null): check again soon. */
    void mapped(HostPort address) {
        if (!Objects.equals(address, mapped)) {
            mapped = address;
            changed();
            onLearnt.run();
        }
    }

    /**
     * Whether a peer saw this node's connections come from another IP than the one it listens on while its router
     * gave no port mapping: then it sits behind a NAT that nobody outside can dial through, as far as anyone knows
     * before a verdict (a 1:1 NAT that forwards everything is the exception a later public verdict corrects).
     */
    boolean behindNat() {
        return mapped == null && observed.stream().anyMatch(seen -> !seen.host().equals(listen.host()));
    }

    /** A known host was admitted: while nothing is known yet, that may be the peer a verdict was waiting for. */
    void hostAdmitted() {
        if (last == Reachability.UNKNOWN) {
            changed();
        }
    }

    /** The candidates a check asks about now, best first. */
    List<HostPort> candidates() {
        LinkedHashSet<HostPort> list = new LinkedHashSet<>();
        if (mapped != null) {
            list.add(mapped);
        }
        list.add(listen);
        for (HostPort seen : observed()) {
            list.add(new HostPort(seen.host(), listen.port()));
            list.add(seen);
        }
        return new ArrayList<>(list).subList(0, Math.min(list.size(), config.maxCandidates()));
    }

    private void changed() {
        intervalMs = config.minCheckIntervalMs();
        if (running) {
            again = true;
            return;
        }
        scheduleAt(ctx.loop().nowMillis() + SOON_MS);
    }

    private void scheduleAt(long atMs) {
        if (stopped || atMs >= nextAtMs) {
            return;
        }
        timer.cancel();
        nextAtMs = atMs;
        timer = ctx.loop().schedule(atMs - ctx.loop().nowMillis(), this::check);
    }

    private void check() {
        nextAtMs = Long.MAX_VALUE;
        if (stopped) {
            return;
        }
        long now = ctx.loop().nowMillis();
        List<KnownHost> direct = new ArrayList<>(hosts.get());
        direct.removeIf(host -> host.address().isRelayed());
        if (observed.isEmpty() && mapped == null && observe(direct)) {
            scheduleAt(now + intervalMs); // an answer calls sooner
            return;
        }
        if (direct.size() < config.minAnswers()) {
            scheduleAt(now + intervalMs); // too few peers to conclude anything: wait for more (an admission calls sooner)
            return;
        }
        direct.removeIf(host -> now - askedAtMs.getOrDefault(host.address().id(), Long.MIN_VALUE / 2)
            < config.dialbackPerPeerMs());
        if (direct.size() < config.minAnswers()) {
            scheduleAt(now + SOON_MS); // the peers asked last still refuse to be asked again: wait for enough of them
            return;
        }
        List<PeerAddress> peers = choosePeers(direct, HostClass.subnetOf(listen.host()), config.peersPerCheck(),
            ctx.random());
        peers.forEach(peer -> askedAtMs.put(peer.id(), now));
        List<HostPort> candidates = candidates();
        running = true;
        again = false;
        checks++;
        List<CompletableFuture<List<DialbackOutcome>>> answers = new ArrayList<>();
        for (PeerAddress peer : peers) {
            answers.add(ask(peer, candidates));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            running = false;
            if (stopped) {
                return;
            }
            Verdict verdict = Verdict.decide(candidates, answers.stream().map(CompletableFuture::join).toList(),
                config.minAnswers());
            log.debug("{} reachability check with {} of {} peers: {}", ctx.self().id().shortForm(), verdict.counted(),
                peers.size(), verdict);
            if (verdict.conclusive()) {
                if (verdict.reachability() != last) {
                    intervalMs = config.minCheckIntervalMs();
                } else {
                    intervalMs = Math.min(config.maxCheckIntervalMs(), intervalMs * 2);
                }
                last = verdict.reachability();
                onVerdict.accept(verdict);
            }
            long end = ctx.loop().nowMillis();
            scheduleAt(again ? end + SOON_MS : end + intervalMs);
        });
    }

    /**
     * Asks the hosts of {@code direct} not asked so before how they see this node (no candidates to dial).
     *
     * @return whether any was asked
     */
    private boolean observe(List<KnownHost> direct) {
        List<KnownHost> fresh = new ArrayList<>(direct);
        fresh.removeIf(host -> askedToObserve.containsKey(host.address().id()));
        List<PeerAddress> peers = choosePeers(fresh, HostClass.subnetOf(listen.host()), config.peersPerCheck(),
            ctx.random());
        peers.forEach(peer -> {
            askedToObserve.put(peer.id(), Boolean.TRUE);
            ask(peer, List.of());
        });
        return !peers.isEmpty();
    }

    private CompletableFuture<List<DialbackOutcome>> ask(PeerAddress peer, List<HostPort> candidates) {
        return ctx.request(peer, Wider.DIALBACK_ROUTE, WiderMessages.encodeHostPorts(candidates),
                Duration.ofMillis(config.requestTimeoutMs()))
            .handle((reply, error) -> {
                if (error != null || stopped) {
                    return List.of();
                }
                try {
                    DialbackAnswer answer = WiderMessages.decodeDialbackAnswer(reply.payload(), candidates.size());
                    if (answer.observed() != null) {
                        learn(answer.observed());
                    }
                    return answer.outcomes();
                } catch (WireFormatException e) {
                    log.debug("ignoring a bad dial-back answer from {}: {}", peer, e.getMessage());
                    return List.of();
                }
            });
    }

    private void learn(HostPort seen) {
        if (observed.contains(seen)) {
            return;
        }
        if (observed.size() >= MAX_OBSERVED) {
            observed.remove(observed.iterator().next());
        }
        observed.add(seen);
        changed();
        onLearnt.run();
    }

    /**
     * Up to {@code count} of {@code hosts} with direct addresses to ask for a dial-back: first one per subnet, subnets
     * other than {@code ownSubnet} only; then others outside {@code ownSubnet}; then the rest; random within each.
     */
    static List<PeerAddress> choosePeers(List<KnownHost> hosts, String ownSubnet, int count, RandomGenerator random) {
        List<KnownHost> all = new ArrayList<>(hosts);
        all.removeIf(host -> host.address().isRelayed());
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            all.set(i, all.set(j, all.get(i)));
        }
        LinkedHashSet<KnownHost> ordered = new LinkedHashSet<>();
        Set<String> subnets = new HashSet<>();
        subnets.add(ownSubnet);
        for (KnownHost host : all) {
            if (subnets.add(host.subnet())) {
                ordered.add(host);
            }
        }
        for (KnownHost host : all) {
            if (!host.subnet().equals(ownSubnet)) {
                ordered.add(host);
            }
        }
        ordered.addAll(all);
        return ordered.stream().limit(count).map(KnownHost::address).toList();
    }
}
