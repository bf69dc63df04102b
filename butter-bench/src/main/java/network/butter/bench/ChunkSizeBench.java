package network.butter.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import network.butter.api.Limits;
import network.butter.api.NodeStats;
import network.butter.api.Reply;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 5's chunk-size measurement: what the size of a Peer Content Group chunk costs and buys on real nodes.
 *
 * <p>For every chunk size and round it starts a fresh cluster of real {@link ButterNode}s on 127.0.0.1 (port 0,
 * TLS, the default 2 s heartbeats, r = 3), each with {@link PeerContentGroups} in memory, and measures:
 * <ul>
 *   <li><b>put</b>: MiB/s of a put of fresh random content from node 0 until its future completes (write quorum
 *       reached), and the store requests sent until every group has its r members;</li>
 *   <li><b>get</b>: MiB/s of a get from a reader node that joined after the put and holds no copy, with the
 *       content verified byte for byte, and the fetch requests it took;</li>
 *   <li><b>upkeep</b>: heartbeat requests per second over a fixed window while the cluster holds the content, the
 *       real payload of each partner's beat (see {@link #beatPayloadBytes}), and the groups per stored MiB.</li>
 * </ul>
 * Throughput on a shared machine drifts, so sizes are interleaved within each round (the order reversed every
 * other round), a warm-up round runs first, and each size's throughput is also given as a ratio to the first size
 * (4 KiB by default) of the same run. The report gives medians over the rounds and one {@code SUMMARY} line.
 *
 * <p>Every node's frames are raised to the largest chunk plus 64 KiB when the default 1 MiB frame cannot carry a
 * chunk and its headers. Run it with {@code scripts/chunk-size-bench.sh}.
 */
@Command(name = "chunk-size-bench.sh", sortOptions = false,
    description = "Peer Content Group put/get throughput, requests and heartbeat upkeep per chunk size, on real loopback nodes.")
public final class ChunkSizeBench implements Callable<Integer> {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    /** Room for a store request's stamp, member list and framing around the largest chunk. */
    private static final int FRAME_HEADROOM_BYTES = 64 * 1024;
    /**
     * An empty beat: an empty peer table and no held, not-held or tombstone entries (four u16 zero counts), no challenge
     * and no proof (two zero flags)
     * ({@code docs/PROTOCOL.md} §6). Its answer is the responder's real beat to the asker.
     */
    private static final byte[] EMPTY_BEAT = new byte[10];
    private static final long POLL_MS = 20;
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    @Option(names = "--chunk-sizes", split = ",", defaultValue = "4k,16k,64k,256k,1m", paramLabel = "SIZE",
        converter = ByteSize.class,
        description = "Chunk sizes in bytes, k = KiB and m = MiB allowed; the first is the ratios' baseline "
            + "(default ${DEFAULT-VALUE}).")
    private List<Long> chunkSizes;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
        description = "Measured rounds of every size; the report shows the median (default ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "1", paramLabel = "N",
        description = "Unreported rounds of every size first, puts and gets only (default ${DEFAULT-VALUE}).")
    private int warmupRounds;

    @Option(names = "--content-bytes", defaultValue = "8m", paramLabel = "SIZE", converter = ByteSize.class,
        description = "Fresh random content per put (default ${DEFAULT-VALUE}).")
    private long contentBytes;

    @Option(names = "--nodes", defaultValue = "6", paramLabel = "N",
        description = "Storage nodes per cluster, plus one reader (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--window-ms", defaultValue = "10000", paramLabel = "MS",
        description = "Window over which heartbeats are counted while the content is held (default ${DEFAULT-VALUE}).")
    private long windowMs;

    @Option(names = "--request-timeout-ms", defaultValue = "2000", paramLabel = "MS",
        description = "PcgConfig.requestTimeoutMs of every node: how long one store or fetch may take, queueing "
            + "included (default ${DEFAULT-VALUE}, the library's default).")
    private long requestTimeoutMs;

    @Option(names = "--timeout-ms", defaultValue = "120000", paramLabel = "MS",
        description = "Longest wait for any one step: joining, put, replication, get, beat probes (default ${DEFAULT-VALUE}).")
    private long timeoutMs;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the benchmark and exits with picocli's status: 0 on success, 2 for bad options, 1 on failure. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ChunkSizeBench()).execute(args));
    }

    /** What one cluster measured for one chunk size, or why it failed ({@code failure} non-null). */
    record Trial(int chunkBytes, int groups, double putMiBps, double getMiBps, long storeRequests, long fetchRequests,
                 double beatsPerSecond, double beatPayloadBytes, int maxBeatPayloadBytes, double beatBytesPerSecond,
                 int copies, String failure) {

        static Trial failed(int chunkBytes, String failure) {
            return new Trial(chunkBytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, failure);
        }

        boolean ok() {
            return failure == null;
        }
    }

    /** Medians over one size's successful rounds, with throughput relative to the baseline size. */
    record Row(int chunkBytes, int succeeded, int groups, double groupsPerMiB, double putMiBps, double putRatio,
               double getMiBps, double getRatio, double storeRequests, double fetchRequests, double beatsPerSecond,
               double beatPayloadBytes, double maxBeatPayloadBytes, double beatBytesPerSecond) {
    }

    @Override
    public Integer call() {
        List<Row> rows = run(System.out);
        return rows.stream().allMatch(row -> row.succeeded() == rounds) ? 0 : 1;
    }

    /**
     * Runs the warm-up and the measured rounds, printing every trial as it ends, then the table and the summary.
     *
     * @return one row per chunk size, in the order given
     */
    List<Row> run(PrintStream out) {
        validate();
        int frameBytes = frameBytes();
        out.printf(Locale.ROOT, "Chunk sizes on %d real nodes + 1 reader on 127.0.0.1: %s content per put, r = %d, "
                + "heartbeat %d ms, request timeout %d ms, %d warm-up + %d measured rounds, %d ms upkeep window, "
                + "frames of %d bytes%n",
            nodes, label(contentBytes), PcgConfig.defaults().replication(), PcgConfig.defaults().heartbeatIntervalMs(),
            requestTimeoutMs, warmupRounds, rounds, windowMs, frameBytes);
        for (int round = 0; round < warmupRounds; round++) {
            for (long size : order(round)) {
                Trial warm = trial((int) size, frameBytes, false);
                out.printf(Locale.ROOT, "warm-up %-8s %s%n", label(size), warm.ok() ? "done" : "FAILED: " + warm.failure());
            }
        }
        Map<Long, List<Trial>> trials = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (long size : order(round)) {
                Trial trial = trial((int) size, frameBytes, true);
                trials.computeIfAbsent(size, s -> new ArrayList<>()).add(trial);
                print(out, round + 1, trial);
            }
        }
        List<Row> rows = new ArrayList<>();
        Row baseline = null;
        for (long size : chunkSizes) {
            Row row = summarize((int) size, trials.getOrDefault(size, List.of()), baseline);
            baseline = baseline == null && row.succeeded() > 0 ? row : baseline;
            rows.add(row);
        }
        table(out, rows, baseline);
        return rows;
    }

    private void validate() {
        if (rounds < 1 || warmupRounds < 0 || nodes < 2 || windowMs < 1 || timeoutMs < 1 || requestTimeoutMs < 1
            || contentBytes < 1 || contentBytes > Integer.MAX_VALUE - 8 || chunkSizes.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "need rounds >= 1, warmup-rounds >= 0, nodes >= 2, positive window, timeout and content under 2 GiB, "
                    + "and at least one chunk size");
        }
        for (long size : chunkSizes) {
            if (size < 64 || size > 16 * MIB - FRAME_HEADROOM_BYTES) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                    "chunk sizes must be 64 bytes to 16 MiB - 64 KiB, got " + size);
            }
        }
    }

    /** The default frame, or the largest chunk plus headroom when that does not fit. */
    private int frameBytes() {
        long largest = chunkSizes.stream().mapToLong(Long::longValue).max().orElseThrow();
        return (int) Math.max(Limits.defaults().maxFrameBytes(), largest + FRAME_HEADROOM_BYTES);
    }

    /** The sizes in the order given in even rounds and reversed in odd ones, so drift does not favour one end. */
    private List<Long> order(int round) {
        List<Long> sizes = new ArrayList<>(chunkSizes);
        if (round % 2 == 1) {
            Collections.reverse(sizes);
        }
        return sizes;
    }

    /** One fresh cluster, one put, one get and (if {@code upkeep}) the heartbeat window; always shut down. */
    private Trial trial(int chunkBytes, int frameBytes, boolean upkeep) {
        Limits limits = Limits.defaults().withMaxFrameBytes(frameBytes);
        PcgConfig defaults = PcgConfig.defaults().withChunkBytes(chunkBytes);
        PcgConfig config = new PcgConfig(defaults.replication(), defaults.writeQuorum(), defaults.heartbeatIntervalMs(),
            defaults.palpitation(), defaults.memberTimeoutBeats(), requestTimeoutMs, defaults.chunkBytes(),
            defaults.maxLookups(), defaults.maxReplication(), defaults.targetLossPerDay());
        long storeBytes = 2 * contentBytes + 4 * MIB;
        List<Member> members = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                members.add(Member.start(limits, config, storeBytes));
            }
            List<PeerAddress> addresses = members.stream().map(m -> m.node().address()).toList();
            List<CompletableFuture<Void>> meetings = new ArrayList<>();
            for (Member member : members) {
                meetings.add(member.introductions().meet(others(addresses, member.node().id())));
            }
            await(CompletableFuture.allOf(meetings.toArray(new CompletableFuture<?>[0])),
                "the " + nodes + " nodes to know each other");

            byte[] content = new byte[(int) contentBytes];
            new SplittableRandom(System.nanoTime()).nextBytes(content);
            Set<ContentId> blocks = new Chunker(chunkBytes).split(content, members.getFirst().node().id().toBytes()).chunks().keySet();

            Map<String, Long> beforePut = routeTotals(members);
            long putStart = System.nanoTime();
            ContentId id = await(members.getFirst().groups().put(content), "the put");
            double putSeconds = (System.nanoTime() - putStart) / 1e9;
            awaitReplicated(members, blocks, config.replication());
            long storeRequests = delta(beforePut, routeTotals(members), PeerContentGroups.STORE_ROUTE);

            Member reader = Member.start(limits, config, storeBytes);
            members.add(reader);
            await(reader.introductions().meet(addresses), "the reader to know the nodes");
            Map<String, Long> beforeGet = routeTotals(members);
            long getStart = System.nanoTime();
            byte[] read = await(reader.groups().get(id), "the get");
            double getSeconds = (System.nanoTime() - getStart) / 1e9;
            if (!Arrays.equals(read, content)) {
                return Trial.failed(chunkBytes, "the get returned " + read.length + " bytes that differ from the put");
            }
            long fetchRequests = delta(beforeGet, routeTotals(members), PeerContentGroups.FETCH_ROUTE);
            double mib = contentBytes / (double) MIB;
            int copies = members.stream().mapToInt(m -> m.groups().heldBlocks().size()).sum();
            if (!upkeep) {
                return new Trial(chunkBytes, blocks.size(), mib / putSeconds, mib / getSeconds, storeRequests,
                    fetchRequests, 0, 0, 0, 0, copies, null);
            }
            long beatsBefore = routeTotals(members).getOrDefault(PeerContentGroups.BEAT_ROUTE, 0L);
            long windowStart = System.nanoTime();
            // A fixed measurement window, not a wait for a condition: the heartbeats it counts are the upkeep.
            Thread.sleep(windowMs);
            long beats = routeTotals(members).getOrDefault(PeerContentGroups.BEAT_ROUTE, 0L) - beatsBefore;
            double beatsPerSecond = beats / ((System.nanoTime() - windowStart) / 1e9);
            BeatSizes sizes = beatPayloadBytes(members.subList(0, nodes));
            return new Trial(chunkBytes, blocks.size(), mib / putSeconds, mib / getSeconds, storeRequests,
                fetchRequests, beatsPerSecond, sizes.meanPayloadBytes(), sizes.maxPayloadBytes(),
                beatsPerSecond * sizes.meanExchangeBytes(), copies, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Trial.failed(chunkBytes, "interrupted");
        } catch (RuntimeException e) {
            return Trial.failed(chunkBytes, e.getMessage() != null ? e.getMessage() : e.toString());
        } finally {
            stop(members);
        }
    }

    /** Sizes of the beats partners send each other now: per direction and per exchange (a beat and its answer). */
    record BeatSizes(double meanPayloadBytes, int maxPayloadBytes, double meanExchangeBytes) {
    }

    /**
     * Measures the real heartbeat payloads: every node sends every other one an empty beat, whose answer is the
     * beat the other would send it, built by {@link PeerContentGroups} from the groups the two share right now.
     * Pairs that share no group never beat and are left out. (The empty beat tells the responder nothing, so its
     * groups do not change; it is sent after the upkeep window, so the counts above do not include it.)
     */
    private BeatSizes beatPayloadBytes(List<Member> members) {
        Map<List<PeerId>, CompletableFuture<Reply>> probes = new HashMap<>();
        for (Member asker : members) {
            for (Member responder : members) {
                if (asker != responder) {
                    probes.put(List.of(asker.node().id(), responder.node().id()), asker.node().request(
                        responder.node().address(), PeerContentGroups.BEAT_ROUTE, EMPTY_BEAT, Duration.ofMillis(timeoutMs)));
                }
            }
        }
        await(CompletableFuture.allOf(probes.values().toArray(new CompletableFuture<?>[0])), "the beat probes");
        Map<List<PeerId>, Integer> payload = new HashMap<>();
        probes.forEach((pair, reply) -> payload.put(pair, reply.join().payload().length));
        int emptyBeatAnswer = EMPTY_BEAT.length;
        long directions = 0;
        long directionBytes = 0;
        int max = 0;
        long exchanges = 0;
        long exchangeBytes = 0;
        for (Map.Entry<List<PeerId>, Integer> entry : payload.entrySet()) {
            int bytes = entry.getValue();
            if (bytes > emptyBeatAnswer) {
                directions++;
                directionBytes += bytes;
                max = Math.max(max, bytes);
                PeerId asker = entry.getKey().get(0);
                PeerId responder = entry.getKey().get(1);
                if (asker.compareTo(responder) < 0) {
                    exchanges++;
                    exchangeBytes += bytes + payload.get(List.of(responder, asker));
                }
            }
        }
        return new BeatSizes(directions == 0 ? 0 : (double) directionBytes / directions, max,
            exchanges == 0 ? 0 : (double) exchangeBytes / exchanges);
    }

    /** Polls, bounded, until every block is held by {@code replication} nodes: a put's future ends at the quorum. */
    private void awaitReplicated(List<Member> members, Set<ContentId> blocks, int replication) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Map<ContentId, Integer> holders = new HashMap<>();
            for (Member member : members) {
                member.groups().heldBlocks().forEach(block -> holders.merge(block, 1, Integer::sum));
            }
            long shortGroups = blocks.stream().filter(block -> holders.getOrDefault(block, 0) < replication).count();
            if (shortGroups == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(shortGroups + " of " + blocks.size() + " groups still had fewer than "
                    + replication + " members " + timeoutMs + " ms after the put");
            }
            // Polling with a deadline: the groups offer no callback for "fully replicated".
            Thread.sleep(POLL_MS);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IllegalStateException("timed out after " + timeoutMs + " ms waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /** Shuts every node down at once with no grace (nothing is handed over) and waits, bounded, for all. */
    private static void stop(List<Member> members) {
        CompletableFuture<?>[] stopping = members.stream().map(m -> m.node().shutdown(Duration.ZERO))
            .toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(stopping).get(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("warning: nodes did not all stop cleanly within " + STOP_LIMIT + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<PeerAddress> others(List<PeerAddress> all, PeerId self) {
        return all.stream().filter(address -> !address.id().equals(self)).toList();
    }

    /** Requests sent per route, summed over the nodes. */
    private static Map<String, Long> routeTotals(List<Member> members) {
        Map<String, Long> totals = new HashMap<>();
        for (Member member : members) {
            NodeStats stats = member.node().stats();
            stats.requestsSentByRoute().forEach((route, count) -> totals.merge(route, count, Long::sum));
        }
        return totals;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String route) {
        return after.getOrDefault(route, 0L) - before.getOrDefault(route, 0L);
    }

    private Row summarize(int chunkBytes, List<Trial> all, Row baseline) {
        List<Trial> ok = all.stream().filter(Trial::ok).toList();
        double put = median(ok, Trial::putMiBps);
        double get = median(ok, Trial::getMiBps);
        int groups = contentBytes <= chunkBytes ? 1 : (int) ((contentBytes + chunkBytes - 1) / chunkBytes) + 1;
        boolean isBaseline = baseline == null && !ok.isEmpty();
        return new Row(chunkBytes, ok.size(), groups, groups / (contentBytes / (double) MIB), put,
            isBaseline ? 1 : ratio(put, baseline, Row::putMiBps), get, isBaseline ? 1 : ratio(get, baseline, Row::getMiBps),
            median(ok, Trial::storeRequests), median(ok, Trial::fetchRequests), median(ok, Trial::beatsPerSecond),
            median(ok, Trial::beatPayloadBytes), median(ok, Trial::maxBeatPayloadBytes),
            median(ok, Trial::beatBytesPerSecond));
    }

    private static double ratio(double value, Row baseline, ToDoubleFunction<Row> figure) {
        return baseline == null ? Double.NaN : value / figure.applyAsDouble(baseline);
    }

    private static double median(List<Trial> trials, ToDoubleFunction<Trial> value) {
        if (trials.isEmpty()) {
            return Double.NaN;
        }
        double[] values = trials.stream().mapToDouble(value).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static void print(PrintStream out, int round, Trial trial) {
        if (!trial.ok()) {
            out.printf(Locale.ROOT, "round %d %-8s FAILED: %s%n", round, label(trial.chunkBytes()), trial.failure());
            return;
        }
        out.printf(Locale.ROOT, "round %d %-8s put %7.1f MiB/s get %7.1f MiB/s | %6d stores %6d fetches | "
                + "%5.1f beats/s, beat %8.0f B (max %8d B), %9.0f B/s | %5d groups, %5d copies%n",
            round, label(trial.chunkBytes()), trial.putMiBps(), trial.getMiBps(), trial.storeRequests(),
            trial.fetchRequests(), trial.beatsPerSecond(), trial.beatPayloadBytes(), trial.maxBeatPayloadBytes(),
            trial.beatBytesPerSecond(), trial.groups(), trial.copies());
    }

    /** Prints the medians; ratios are against {@code baseline}, the first size with a successful round. */
    private void table(PrintStream out, List<Row> rows, Row baseline) {
        String against = baseline == null ? "none: every size failed"
            : label(baseline.chunkBytes()) + " of the same run"
            + (baseline == rows.getFirst() ? "" : ", the first size that succeeded at all");
        out.printf(Locale.ROOT, "%nMedians over %d rounds (%s per put, %d nodes; ratios against %s)%n",
            rounds, label(contentBytes), nodes, against);
        out.printf(Locale.ROOT, "%-8s %6s %8s %10s %6s %10s %6s %8s %8s %8s %10s %10s %10s %6s%n", "chunk", "groups",
            "groups/MiB", "put MiB/s", "x", "get MiB/s", "x", "stores", "fetches", "beats/s", "beat B", "max beat B",
            "beat B/s", "ok");
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
            "SUMMARY chunk-size content=%s nodes=%d rounds=%d window=%dms", label(contentBytes).replace(" ", ""),
            nodes, rounds, windowMs));
        for (Row row : rows) {
            out.printf(Locale.ROOT, "%-8s %6d %10.1f %10.1f %6.2f %10.1f %6.2f %8.0f %8.0f %8.1f %10.0f %10.0f %10.0f %3d/%d%n",
                label(row.chunkBytes()), row.groups(), row.groupsPerMiB(), row.putMiBps(), row.putRatio(),
                row.getMiBps(), row.getRatio(), row.storeRequests(), row.fetchRequests(), row.beatsPerSecond(),
                row.beatPayloadBytes(), row.maxBeatPayloadBytes(), row.beatBytesPerSecond(), row.succeeded(), rounds);
            summary.append(String.format(Locale.ROOT,
                " | %s put %.1fMiB/s (%.2fx) get %.1fMiB/s (%.2fx) stores %.0f fetches %.0f beats/s %.1f beat %.0fB "
                    + "beatB/s %.0f groups/MiB %.1f ok %d/%d",
                label(row.chunkBytes()).replace(" ", ""), row.putMiBps(), row.putRatio(), row.getMiBps(),
                row.getRatio(), row.storeRequests(), row.fetchRequests(), row.beatsPerSecond(),
                row.beatPayloadBytes(), row.beatBytesPerSecond(), row.groupsPerMiB(), row.succeeded(), rounds));
        }
        out.println(summary);
    }

    /** "4 KiB", "1 MiB" or plain bytes. */
    static String label(long bytes) {
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes % KIB == 0 ? bytes / KIB + " KiB" : bytes + " B";
    }

    /** Parses a byte count with an optional {@code k} (KiB) or {@code m} (MiB) suffix, e.g. {@code 64k}. */
    static final class ByteSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (text.endsWith("k")) {
                unit = KIB;
            } else if (text.endsWith("m")) {
                unit = MIB;
            }
            String digits = unit == 1 ? text : text.substring(0, text.length() - 1);
            try {
                return Math.multiplyExact(Long.parseLong(digits), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("not a byte size (e.g. 4096, 64k, 1m): " + value);
            }
        }
    }

    /** One storage node of a trial cluster, with its groups and its way to meet the others. */
    record Member(ButterNode node, PeerContentGroups groups, Introductions introductions) {
        static Member start(Limits limits, PcgConfig config, long storeBytes) {
            ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).limits(limits).storage(false));
            Introductions introductions = new Introductions();
            PeerContentGroups groups = new PeerContentGroups(config, new MemoryChunkStore(storeBytes));
            node.install(introductions).install(new Retrieval(RetrievalConfig.defaults(), groups)).install(groups).start();
            return new Member(node, groups, introductions);
        }
    }

    /**
     * Hands peers to the node's known hosts on the node loop, as a bootstrap list would, and reports when all of
     * them are admitted. Offers again each poll interval until then, since a poll may time out while a whole
     * cluster starts and the known hosts do not retry a candidate alone.
     */
    static final class Introductions implements Protocol {
        private final CompletableFuture<ProtocolContext> started = new CompletableFuture<>();

        @Override
        public String name() {
            return "bench-introductions";
        }

        @Override
        public void start(ProtocolContext context) {
            started.complete(context);
        }

        /** Completes once every one of {@code peers} is among the node's known hosts; the caller bounds the wait. */
        CompletableFuture<Void> meet(List<PeerAddress> peers) {
            CompletableFuture<Void> met = new CompletableFuture<>();
            started.thenAccept(context -> context.loop().execute(() -> {
                KnownHosts hosts = context.protocol(KnownHosts.class).orElseThrow();
                Set<PeerId> missing = new HashSet<>();
                peers.forEach(peer -> missing.add(peer.id()));
                hosts.onAdmitted(host -> {
                    if (missing.remove(host.address().id()) && missing.isEmpty()) {
                        met.complete(null);
                    }
                });
                if (missing.isEmpty()) {
                    met.complete(null);
                }
                offer(context, hosts, peers, met);
            }));
            return met;
        }

        private static void offer(ProtocolContext context, KnownHosts hosts, List<PeerAddress> peers,
                                  CompletableFuture<Void> met) {
            if (met.isDone()) {
                return;
            }
            peers.forEach(hosts::offer);
            context.loop().schedule(hosts.config().pollIntervalMs() + 1, () -> offer(context, hosts, peers, met));
        }
    }
}
