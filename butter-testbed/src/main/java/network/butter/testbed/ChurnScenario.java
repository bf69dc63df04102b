package network.butter.testbed;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import network.butter.api.NodeStats;
import network.butter.api.RouteTraffic;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.ItemKey;
import network.butter.testbed.protocol.NodeState;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.attack.Intel;
import network.butter.testbed.attack.SybilIds;

/**
 * Runs the churn experiment ({@link ChurnConfig}) on a {@link Cluster}, whatever it runs on: spawn, form,
 * store, churn (with the optional partition and loss), settle, retrieve from a fresh node. It samples the
 * cluster once a second for the time series.
 *
 * <p>Every decision (who joins whom, item contents, who stores, who dies, partition groups) comes from one
 * {@link SplittableRandom} seeded from the config, and the cluster is only ever touched from the calling thread,
 * so on a simulated cluster a seed gives the same run every time.
 */
public final class ChurnScenario {

    /** How often the scenario acts (churn) and samples. */
    static final long TICK_MS = 1000;

    /** The longest one read of the fresh node may take, in cluster time. */
    static final Duration RETRIEVAL_LIMIT = Duration.ofSeconds(60);
    /** Misses of one run whose reason is reported on the progress stream. */
    static final int MISSES_REPORTED = 20;

    /** The longest the scenario waits for nodes to join (at the start, and the fresh node at the end). */
    static final Duration JOIN_LIMIT = Duration.ofSeconds(60);

    /** The longest storing one item may take, in cluster time. */
    static final Duration STORE_LIMIT = Duration.ofSeconds(30);

    /** Attempts to store each item, each from a random live node. */
    static final int STORE_ATTEMPTS = 3;

    /** Nodes of a real network that join together, bootstrapping from those before them. */
    static final int REAL_JOIN_WAVE = 100;

    /** Puts in flight at once in a real network (the simulator stores one at a time, for its traces). */
    static final int REAL_STORE_WINDOW = 16;

    private final ChurnConfig config;
    private final Cluster<DataPeer> cluster;
    private final DataProtocol protocol;
    private final Consumer<String> progress;
    private final SplittableRandom random;
    private final List<Sample> samples = new ArrayList<>();
    private final List<ItemKey> keys = new ArrayList<>();
    private final Map<ItemKey, byte[]> contents = new HashMap<>();
    private final Map<String, RouteTraffic> retiredByRoute = new HashMap<>();
    private final Adversary adversary;
    private final Set<Integer> maliciousIndices;
    private final Set<ClusterNode<DataPeer>> malicious = new HashSet<>();
    private final Intel intel = new Intel();
    private final SybilIds sybilIds;
    private final List<NodeState> honestBySample = new ArrayList<>();
    private NodeState honestPeak = NodeState.EMPTY;
    private long retiredRequests;
    private long retiredReplies;
    private long retiredBytes;
    private long deaths;
    private long silentDeaths;
    private int storeFailures;
    private String currentPhase = "spawn";
    private int failedStarts;
    private boolean started;

    /**
     * Prepares a run; nothing happens until {@link #run()}.
     *
     * @param config   the experiment
     * @param cluster  where to run it; its mode must match the config's, and its installer must install
     *                 {@code protocol}
     * @param protocol the data protocol under test, for its view of which nodes hold which items
     * @param progress told about each phase as it starts, for people watching a long run
     */
    public ChurnScenario(ChurnConfig config, Cluster<DataPeer> cluster, DataProtocol protocol,
                         Consumer<String> progress) {
        this(config, Adversary.none(), cluster, protocol, progress);
    }

    /**
     * Prepares a run with malicious nodes: {@code adversary}'s share of the initial nodes runs the protocol's
     * malicious variant ({@link DataProtocol#installMalicious}); they stay up through churn, never store the
     * scenario's items, and the reader at the end is honest.
     *
     * @throws IllegalArgumentException if there are malicious nodes and the cluster is not simulated
     */
    public ChurnScenario(ChurnConfig config, Adversary adversary, Cluster<DataPeer> cluster, DataProtocol protocol,
                         Consumer<String> progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.adversary = Objects.requireNonNull(adversary, "adversary");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.progress = Objects.requireNonNull(progress, "progress");
        if (cluster.mode() != config.mode()) {
            throw new IllegalArgumentException("the config is for " + config.mode().label() + " mode, the cluster is "
                + cluster.mode().label());
        }
        if ((config.partitionGroups() > 0 || config.lossProbability() > 0 || config.deaths() != Deaths.CRASH)
            && cluster.faults().isEmpty()) {
            throw new IllegalArgumentException("partition, loss and silent deaths need a cluster that can inject faults");
        }
        this.random = new SplittableRandom(config.seed()).split();
        if (adversary.active(config.nodes()) && !(cluster instanceof SimCluster)) {
            throw new IllegalArgumentException("malicious nodes need the simulator (mode sim)");
        }
        this.maliciousIndices = adversary.chooseMalicious(config.nodes(), config.seed());
        this.sybilIds = new SybilIds(adversary.attackSeed(config.seed()));
    }

    /**
     * Runs every phase and returns what was measured. The cluster is left running: the caller closes it.
     *
     * @throws IllegalStateException if this scenario has run before: each run needs a fresh cluster
     */
    public ChurnResult run() {
        if (started) {
            throw new IllegalStateException("a churn scenario runs once; build a new one on a fresh cluster");
        }
        started = true;
        long wallStart = System.nanoTime();
        Retrieval retrieval = new Retrieval();
        String stoppedBy = "";
        try {
            spawnAll();
            phase("form", config.form(), () -> { });
            awaitReady();
            storeItems();
            startFaults();
            phase("churn", config.churn(), this::churnOnce);
            endPartition();
            phase("settle", config.settle(), () -> { });
            retrieval = retrieveAll();
            endLoss();
        } catch (ClusterLimitException limit) {
            stoppedBy = "in the " + currentPhase + " phase: " + limit.getMessage();
            progress.accept("stopped " + stoppedBy + "; the figures below are those so far");
            sample();
        }
        long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
        Traffic total = traffic();
        long maintenance = 0;
        for (String route : protocol.maintenanceRoutes()) {
            maintenance += total.byRoute.getOrDefault(route, RouteTraffic.NONE).requests();
        }
        if (!malicious.isEmpty()) {
            intel.count("intel.blocksKnown", intel.blocks().size());
            progress.accept("attack counters: " + new java.util.TreeMap<>(intel.counters()));
        }
        AttackOutcome attack = new AttackOutcome(adversary, malicious.size(), retrieval.wrong, honestPeak, honestBySample,
            intel.counters());
        return new ChurnResult(config, protocol.name(), keys.size(), storeFailures, retrieval.retrieved, retrieval.errors, deaths,
            silentDeaths, total.requests, total.replies, total.bytes, retrieval.requests, maintenance, wallMs,
            cluster.traceHash(), samples, attack, cluster.paths(), cluster.figures(), stoppedBy);
    }

    // ---- phases ----

    private void spawnAll() {
        progress.accept("spawning " + config.nodes() + " " + config.mode().label() + " nodes");
        long wallStart = System.nanoTime();
        List<ClusterNode<DataPeer>> spawned = new ArrayList<>();
        for (int i = 0; i < config.nodes(); i++) {
            spawned.add(maliciousIndices.contains(i) ? spawnMalicious() : cluster.spawn());
        }
        if (!malicious.isEmpty()) {
            progress.accept(malicious.size() + " of them malicious, running the " + adversary.attack().label() + " attack");
        }
        long start = cluster.nowMs();
        // A real network joins in waves, each bootstrapping from the nodes before it: a thousand TLS nodes all
        // handshaking at once on a few cores time their handshakes out and start lonely. The simulator joins all
        // at once, as its traces were recorded.
        int wave = config.mode() == Mode.SIM ? spawned.size() : REAL_JOIN_WAVE;
        for (int first = 0; first < spawned.size(); first += wave) {
            List<ClusterNode<DataPeer>> joinedSoFar = spawned.subList(0, Math.min(spawned.size(), first + wave));
            List<CompletableFuture<Void>> joins = new ArrayList<>();
            for (ClusterNode<DataPeer> node : joinedSoFar.subList(first, joinedSoFar.size())) {
                joins.add(join(node, joinedSoFar));
            }
            awaitJoined(CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0])));
        }
        progress.accept("nodes joined after " + (cluster.nowMs() - start) + " ms of " + config.mode().label() + " time ("
            + wallSeconds(wallStart) + " s of wall time since spawning began" + eventsRun() + ")");
        sample();
    }

    /** Waits, bounded, for nodes to join; a network that forms slowly is measured as it is, not failed. */
    private ClusterNode<DataPeer> spawnMalicious() {
        SimCluster<DataPeer> sim = (SimCluster<DataPeer>) cluster;
        NodeIdentity identity = adversary.attack().groundIds() ? sybilIds.next() : null;
        ClusterNode<DataPeer> node = sim.spawn(identity,
            n -> protocol.installMalicious(n, adversary.attack().newBehaviours(), intel));
        malicious.add(node);
        return node;
    }

    private void awaitJoined(CompletableFuture<Void> joined) {
        try {
            cluster.await(joined, JOIN_LIMIT);
        } catch (IllegalStateException late) {
            progress.accept("not all nodes joined within " + ChurnConfig.seconds(JOIN_LIMIT) + "; going on");
        }
    }

    /**
     * Waits, bounded by {@link Readiness#limit()}, until the known-host lists have filled ({@link Readiness}), for
     * protocols that store on known hosts on clusters that report them (real nodes); a network that does not get
     * there is measured as it is, not failed.
     */
    private void awaitReady() {
        List<ClusterNode<DataPeer>> alive = cluster.alive();
        if (!protocol.storesOnKnownHosts() || alive.isEmpty() || cluster.knownHosts(alive.getFirst()).isEmpty()) {
            return;
        }
        currentPhase = "ready";
        Readiness readiness = Readiness.forNodes(config.nodes());
        long start = cluster.nowMs();
        while (true) {
            int[] known = cluster.alive().stream().mapToInt(node -> cluster.knownHosts(node).orElse(0)).toArray();
            long waitedMs = cluster.nowMs() - start;
            if (readiness.met(known)) {
                progress.accept("ready to store after " + waitedMs + " ms more: " + readiness.describe(known));
                return;
            }
            if (waitedMs >= readiness.limit().toMillis()) {
                progress.accept("not ready within " + ChurnConfig.seconds(readiness.limit()) + ", storing anyway: "
                    + readiness.describe(known));
                return;
            }
            cluster.advanceTo(cluster.nowMs() + TICK_MS);
            sample();
        }
    }

    /** Runs a phase of {@code duration} in one-second ticks, doing {@code eachTick} and sampling after each. */
    private void phase(String name, Duration duration, Runnable eachTick) {
        currentPhase = name;
        if (duration.isZero()) {
            return;
        }
        progress.accept(name + " " + ChurnConfig.seconds(duration));
        long start = cluster.nowMs();
        long wallStart = System.nanoTime();
        long ticks = duration.toMillis() / TICK_MS;
        for (long tick = 1; tick <= ticks; tick++) {
            cluster.advanceTo(start + tick * TICK_MS);
            eachTick.run();
            sample();
        }
        progress.accept(name + " done in " + wallSeconds(wallStart) + " s of wall time; heap after the last GC "
            + HeapGauge.afterLastGcMib() + " MiB, " + cluster.alive().size() + " nodes alive" + eventsRun());
    }

    /** For a simulated cluster, the events run so far: with the wall times, the simulator's speed. */
    private String eventsRun() {
        return cluster instanceof SimCluster<?> sim ? ", " + sim.simulation().eventsRun() + " events run so far" : "";
    }

    private static String wallSeconds(long wallStartNanos) {
        return ChurnConfig.decimal((System.nanoTime() - wallStartNanos) / 100_000_000 / 10.0);
    }

    private void storeItems() {
        currentPhase = "store";
        progress.accept("storing " + config.items() + " items of " + config.itemBytes() + " bytes");
        long wallStart = System.nanoTime();
        long start = cluster.nowMs();
        List<ClusterNode<DataPeer>> storers = honest(cluster.alive()); // nobody dies before churn
        // The simulator stores one item at a time (its traces depend on the order); real networks take a window of
        // puts at once, as a user's application would, rather than paying every put's round trips one after another.
        int window = config.mode() == Mode.SIM ? 1 : REAL_STORE_WINDOW;
        for (int first = 0; first < config.items(); first += window) {
            if (config.mode() != Mode.SIM && cluster.nowMs() - start > ChurnConfig.MAX_REAL_PHASE.toMillis()) {
                progress.accept("storing took longer than " + ChurnConfig.seconds(ChurnConfig.MAX_REAL_PHASE) + ": "
                    + (config.items() - first) + " items not tried, counted as store failures");
                storeFailures += config.items() - first;
                break;
            }
            List<PendingPut> puts = new ArrayList<>(window);
            for (int i = first; i < Math.min(config.items(), first + window); i++) {
                ClusterNode<DataPeer> storer = storers.get(random.nextInt(storers.size()));
                byte[] item = new byte[config.itemBytes()];
                random.nextBytes(item);
                puts.add(new PendingPut(item, storer.app().store(item)));
            }
            for (PendingPut put : puts) {
                Optional<ItemKey> key = store(put, storers);
                if (key.isEmpty()) {
                    storeFailures++;
                } else if (contents.putIfAbsent(key.get(), put.item()) == null) {
                    keys.add(key.get());
                }
            }
        }
        sample();
        progress.accept("stored " + keys.size() + " items in " + wallSeconds(wallStart) + " s of wall time" + eventsRun());
    }

    /**
     * Stores one item, trying again from other nodes if the network does not acknowledge it: an unacknowledged put
     * is the application's to retry, and it is not counted as stored (nor as lost) if every attempt fails.
     */
    private Optional<ItemKey> store(PendingPut firstAttempt, List<ClusterNode<DataPeer>> storers) {
        CompletableFuture<ItemKey> attemptResult = firstAttempt.result();
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(cluster.await(attemptResult, STORE_LIMIT));
            } catch (RuntimeException failedOrLate) {
                if (attempt == STORE_ATTEMPTS) {
                    progress.accept("an item could not be stored in " + STORE_ATTEMPTS + " attempts: "
                        + failedOrLate.getMessage());
                    return Optional.empty();
                }
                attemptResult = storers.get(random.nextInt(storers.size())).app().store(firstAttempt.item());
            }
        }
    }

    /** An item whose first put has been started, and that put's outcome to come. */
    private record PendingPut(byte[] item, CompletableFuture<ItemKey> result) {
    }

    private List<ClusterNode<DataPeer>> honest(List<ClusterNode<DataPeer>> nodes) {
        if (malicious.isEmpty()) {
            return nodes;
        }
        List<ClusterNode<DataPeer>> honest = new ArrayList<>(nodes.size());
        for (ClusterNode<DataPeer> node : nodes) {
            if (!malicious.contains(node)) {
                honest.add(node);
            }
        }
        return honest;
    }

    private void startFaults() {
        cluster.faults().ifPresent(faults -> {
            if (config.partitionGroups() > 0) {
                List<ClusterNode<DataPeer>> alive = new ArrayList<>(cluster.alive());
                shuffle(alive);
                List<List<ClusterNode<DataPeer>>> groups = new ArrayList<>();
                for (int g = 0; g < config.partitionGroups(); g++) {
                    groups.add(new ArrayList<>());
                }
                for (int i = 0; i < alive.size(); i++) {
                    groups.get(i % groups.size()).add(alive.get(i));
                }
                progress.accept("partitioning into " + groups.size() + " groups until the end of churn");
                faults.partition(groups);
            }
            if (config.lossProbability() > 0) {
                progress.accept("losing messages with probability " + ChurnConfig.decimal(config.lossProbability())
                    + " until the end of retrieval");
                faults.lossProbability(config.lossProbability());
            }
        });
    }

    private void endPartition() {
        if (config.partitionGroups() > 0) {
            cluster.faults().ifPresent(NetworkFaults::heal);
        }
    }

    private void endLoss() {
        if (config.lossProbability() > 0) {
            cluster.faults().ifPresent(faults -> faults.lossProbability(0));
        }
    }

    /**
     * One second of churn: every node past its grace period dies with the configured chance, then is replaced.
     * Malicious nodes draw their chance like the others but survive it: an attacker keeps its nodes up. Nodes that
     * died with a killed one (another node of the same process) count as deaths too, and are replaced as well.
     */
    private void churnOnce() {
        long now = cluster.nowMs();
        List<ClusterNode<DataPeer>> before = cluster.alive();
        Set<ClusterNode<DataPeer>> killed = new HashSet<>();
        for (ClusterNode<DataPeer> node : before) {
            boolean pastGrace = now - node.spawnedAtMs() >= config.grace().toMillis();
            if (pastGrace && random.nextDouble() < config.chanceToDie() && !malicious.contains(node) && node.alive()) {
                kill(node);
                killed.add(node);
            }
        }
        int died = killed.size();
        if (died > 0) {
            Set<ClusterNode<DataPeer>> stillAlive = new HashSet<>(cluster.alive());
            for (ClusterNode<DataPeer> node : before) {
                if (!killed.contains(node) && !stillAlive.contains(node)) {
                    retire(node);
                    died++;
                }
            }
        }
        List<ClusterNode<DataPeer>> alive = died == 0 ? List.of() : new ArrayList<>(cluster.alive());
        for (int i = 0; i < died; i++) {
            ClusterNode<DataPeer> fresh;
            try {
                fresh = cluster.spawn();
            } catch (NodeStartException failed) {
                // One replacement that did not start leaves the network a node short, which the experiment carries;
                // many mean the machine holds fewer nodes than asked, and the run stops with its figures so far.
                if (++failedStarts > maxFailedStarts()) {
                    throw failed;
                }
                progress.accept("a replacement did not start, churn goes on a node short (" + failedStarts + " of at most "
                    + maxFailedStarts() + "): " + failed.getMessage());
                continue;
            }
            alive.add(fresh); // as cluster.alive() would list it now, without copying every live node per newcomer
            join(fresh, alive);
        }
    }

    /** Most replacements that may fail to start before the run stops: a tenth of the network, at least 3. */
    private int maxFailedStarts() {
        return Math.max(3, config.nodes() / 10);
    }

    private Retrieval retrieveAll() {
        currentPhase = "retrieve";
        progress.accept("retrieving " + keys.size() + " items from a fresh node");
        ClusterNode<DataPeer> fresh = cluster.spawn();
        awaitJoined(join(fresh, cluster.alive()));
        long requestsBefore = fresh.stats().requestsSent();
        Retrieval retrieval = new Retrieval();
        ArrayDeque<Read> inFlight = new ArrayDeque<>();
        int next = 0;
        while (next < keys.size() || !inFlight.isEmpty()) {
            while (inFlight.size() < config.readWindow() && next < keys.size()) {
                ItemKey key = keys.get(next++);
                inFlight.add(new Read(key, fresh.app().retrieve(key), cluster.nowMs() + RETRIEVAL_LIMIT.toMillis()));
            }
            RuntimeException waitFailure = awaitAnyRead(inFlight);
            int before = inFlight.size();
            inFlight.removeIf(read -> endIfOver(retrieval, read));
            if (inFlight.size() == before && waitFailure != null) {
                // The wait broke without any read ending or falling due: charge it to the oldest, so that the loop
                // always moves on.
                Read oldest = inFlight.removeFirst();
                retrieval.errors++;
                reportMiss(retrieval, oldest.key(), "failed: " + waitFailure);
            }
        }
        retrieval.requests = fresh.stats().requestsSent() - requestsBefore;
        sample();
        return retrieval;
    }

    // ---- helpers ----

    /** One read of the fresh node in flight: what it reads, its answer to be, and when it counts as failed. */
    private record Read(ItemKey key, CompletableFuture<Optional<byte[]>> result, long deadlineMs) {
    }

    /**
     * Waits until any read in flight ends, or the first one falls due (reads start in order with the same limit, so
     * the first is due first). Returns what broke the wait, if anything did: a read that failed, or the deadline.
     */
    private RuntimeException awaitAnyRead(ArrayDeque<Read> inFlight) {
        CompletableFuture<?>[] results = inFlight.stream().map(Read::result).toArray(CompletableFuture<?>[]::new);
        try {
            cluster.await(CompletableFuture.anyOf(results),
                Duration.ofMillis(Math.max(1, inFlight.getFirst().deadlineMs() - cluster.nowMs())));
            return null;
        } catch (RuntimeException failedOrDue) {
            return failedOrDue;
        }
    }

    /**
     * Counts a read that has ended (the item's bytes, other bytes, nothing, or a failure) or fallen due, and says
     * whether it did; a read still running within its limit is left alone.
     */
    private boolean endIfOver(Retrieval retrieval, Read read) {
        CompletableFuture<Optional<byte[]>> result = read.result();
        if (!result.isDone()) {
            if (cluster.nowMs() < read.deadlineMs()) {
                return false;
            }
            retrieval.errors++;
            reportMiss(retrieval, read.key(), "failed: not done within " + ChurnConfig.seconds(RETRIEVAL_LIMIT));
            return true;
        }
        if (result.isCompletedExceptionally()) {
            retrieval.errors++;
            reportMiss(retrieval, read.key(), "failed: " + result.exceptionNow());
            return true;
        }
        Optional<byte[]> found = result.resultNow();
        if (found.isPresent() && Arrays.equals(found.get(), contents.get(read.key()))) {
            retrieval.retrieved++;
        } else if (found.isPresent()) {
            retrieval.wrong++;
            reportMiss(retrieval, read.key(), "returned other bytes");
        } else {
            reportMiss(retrieval, read.key(), "not found");
        }
        return true;
    }

    /** Says on the progress stream why a read missed, for the first {@link #MISSES_REPORTED} misses of a run. */
    private void reportMiss(Retrieval retrieval, ItemKey key, String why) {
        if (retrieval.missesReported < MISSES_REPORTED) {
            retrieval.missesReported++;
            progress.accept("read of item " + key + " " + why);
        }
    }

    /**
     * Tells {@code node} about a random sample of the other nodes of {@code all}, which includes it. With nodes behind NATs the
     * sample comes from the public nodes (if any), at the addresses they give now, as a bootstrap list of a real
     * network would: a private address handed out would only time out.
     */
    private CompletableFuture<Void> join(ClusterNode<DataPeer> node, List<ClusterNode<DataPeer>> all) {
        List<ClusterNode<DataPeer>> candidates = all;
        if (config.nat().active()) {
            List<ClusterNode<DataPeer>> reachable = all.stream().filter(c -> !cluster.behindNat(c)).toList();
            candidates = reachable.size() > (reachable.contains(node) ? 1 : 0) ? reachable : all;
        }
        int others = candidates.size() - (candidates == all || candidates.contains(node) ? 1 : 0);
        int wanted = Math.min(config.bootstrapPeers(), others);
        Set<Integer> chosen = new LinkedHashSet<>();
        List<PeerAddress> peers = new ArrayList<>(wanted);
        while (peers.size() < wanted) {
            int index = random.nextInt(candidates.size());
            ClusterNode<DataPeer> candidate = candidates.get(index);
            if (candidate != node && chosen.add(index)) {
                peers.add(config.nat().active() ? candidate.node().address() : candidate.address());
            }
        }
        return node.app().join(peers);
    }

    /** Kills a node the way the config says; for mixed deaths the seed decides which way, 50/50. */
    private void kill(ClusterNode<DataPeer> node) {
        boolean silent = switch (config.deaths()) {
            case CRASH -> false;
            case SILENT -> true;
            case MIXED -> random.nextBoolean();
        };
        if (silent) {
            cluster.faults().orElseThrow().vanish(node);
            silentDeaths++;
        } else {
            cluster.kill(node);
        }
        retire(node);
    }

    /** Adds a dead node's last counters to the run's totals and counts its death. */
    private void retire(ClusterNode<DataPeer> node) {
        NodeStats last = node.stats();
        retiredRequests += last.requestsSent();
        retiredReplies += last.repliesSent();
        retiredBytes += last.bytesSent();
        last.sentByRoute().forEach((route, traffic) -> retiredByRoute.merge(route, traffic, RouteTraffic::plus));
        deaths++;
    }

    private void shuffle(List<ClusterNode<DataPeer>> nodes) {
        for (int i = nodes.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            nodes.set(i, nodes.set(j, nodes.get(i)));
        }
    }

    private void sample() {
        List<ClusterNode<DataPeer>> alive = cluster.alive();
        Set<PeerId> aliveIds = new HashSet<>();
        for (ClusterNode<DataPeer> node : alive) {
            aliveIds.add(node.id());
        }
        int available = keys.isEmpty() ? 0 : protocol.available(keys, aliveIds);
        double availability = keys.isEmpty() || !protocol.observesHolders() ? Double.NaN : (double) available / keys.size();
        Traffic total = traffic(alive);
        sampleHonestState(alive);
        samples.add(new Sample(cluster.nowMs(), currentPhase, alive.size(), deaths, availability, total.requests,
            total.replies, total.bytes, total.byRoute, cluster.paths(), cluster.reachable()));
    }

    /** The largest state of any honest node now, kept per sample and as the run's peak (only with attackers). */
    private void sampleHonestState(List<ClusterNode<DataPeer>> alive) {
        if (malicious.isEmpty()) {
            return;
        }
        NodeState largest = NodeState.EMPTY;
        for (ClusterNode<DataPeer> node : honest(alive)) {
            largest = largest.max(node.app().state());
        }
        honestBySample.add(largest);
        honestPeak = honestPeak.max(largest);
    }

    private Traffic traffic() {
        return traffic(cluster.alive());
    }

    /** Traffic of every node that ever ran: the dead ones' frozen counters plus the live ones' current ones. */
    private Traffic traffic(List<ClusterNode<DataPeer>> alive) {
        Traffic total = new Traffic(retiredRequests, retiredReplies, retiredBytes, new HashMap<>(retiredByRoute));
        for (ClusterNode<DataPeer> node : alive) {
            NodeStats stats = node.stats();
            total.requests += stats.requestsSent();
            total.replies += stats.repliesSent();
            total.bytes += stats.bytesSent();
            stats.sentByRoute().forEach((route, traffic) -> total.byRoute.merge(route, traffic, RouteTraffic::plus));
        }
        return total;
    }

    private static final class Traffic {
        long requests;
        long replies;
        long bytes;
        final Map<String, RouteTraffic> byRoute;

        Traffic(long requests, long replies, long bytes, Map<String, RouteTraffic> byRoute) {
            this.requests = requests;
            this.replies = replies;
            this.bytes = bytes;
            this.byRoute = byRoute;
        }
    }

    private static final class Retrieval {
        int retrieved;
        int wrong;
        int errors;
        int missesReported;
        long requests;
    }
}
