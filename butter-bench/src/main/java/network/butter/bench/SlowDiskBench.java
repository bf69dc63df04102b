package network.butter.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import network.butter.api.Reply;
import network.butter.identity.HostPort;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.store.DiskQueue;
import network.butter.node.store.FileChunkStore;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.store.ChunkStore;
import network.butter.store.DiskWork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 12's slow-disk demonstration: what a slow disk does to the other nodes on its event loop, with the chunk-store
 * writes on the loop (as before: {@link DiskWork#inline()}) and off it ({@link DiskQueue}), in one run.
 *
 * <p>For each mode a fresh cluster starts on 127.0.0.1: {@code --loop-nodes} storage nodes all on ONE Netty event
 * loop, each with a file chunk store that takes {@code --write-delay-ms} more per write ({@link SlowChunkStore}); a
 * writer node (its own loop, memory store) that keeps {@code --puts-in-flight} puts of small fresh content going, so
 * store requests land on the loop nodes all the time; and a prober node (its own loop) that sends a request to an echo
 * route served on the loop ({@code handleOnLoop}) of each loop node in turn every {@code --probe-interval-ms}. The
 * echo latency is measured first with no puts ("idle") and then while the puts run ("loaded"); a probe with no answer
 * within its timeout counts as that timeout. A warm-up of probes first opens the connections unmeasured. The {@code SUMMARY} line gives the loaded p99 with the writes on the loop
 * and off it, and their ratio.
 */
@Command(name = "slow-disk-bench.sh", sortOptions = false,
    description = "Echo latency of nodes sharing an event loop with a slow disk: writes on the loop vs off it.")
public final class SlowDiskBench implements Callable<Integer> {

    private static final String ECHO_ROUTE = "bench/echo";
    private static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    private static final int WARM_UP_SECONDS = 2;

    @Option(names = "--loop-nodes", defaultValue = "4", paramLabel = "N",
        description = "Storage nodes sharing one event loop, each with a slow disk (default ${DEFAULT-VALUE}).")
    private int loopNodes;

    @Option(names = "--write-delay-ms", defaultValue = "200", paramLabel = "MS",
        description = "Extra time every chunk or record write takes (default ${DEFAULT-VALUE}).")
    private long writeDelayMs;

    @Option(names = "--idle-seconds", defaultValue = "5", paramLabel = "S",
        description = "Echo probes with no puts, after the cluster formed (default ${DEFAULT-VALUE}).")
    private int idleSeconds;

    @Option(names = "--loaded-seconds", defaultValue = "20", paramLabel = "S",
        description = "Echo probes while the puts run (default ${DEFAULT-VALUE}).")
    private int loadedSeconds;

    @Option(names = "--probe-interval-ms", defaultValue = "20", paramLabel = "MS",
        description = "Pause between two echo probes (default ${DEFAULT-VALUE}).")
    private long probeIntervalMs;

    @Option(names = "--probe-timeout-ms", defaultValue = "5000", paramLabel = "MS",
        description = "A probe unanswered this long counts as this latency (default ${DEFAULT-VALUE}).")
    private long probeTimeoutMs;

    @Option(names = "--puts-in-flight", defaultValue = "4", paramLabel = "N",
        description = "Puts the writer keeps going at once (default ${DEFAULT-VALUE}).")
    private int putsInFlight;

    @Option(names = "--content-bytes", defaultValue = "4096", paramLabel = "BYTES",
        description = "Fresh random content per put: one chunk (default ${DEFAULT-VALUE}).")
    private int contentBytes;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the benchmark and exits with picocli's status: 0 on success, 2 for bad options, 1 on failure. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SlowDiskBench()).execute(args));
    }

    /** Echo latencies of one phase, in milliseconds, with the timeouts among them and the puts it saw. */
    record Phase(String mode, String phase, double[] latenciesMs, int timeouts, int putsDone, int putsFailed) {
        double percentile(double p) {
            if (latenciesMs.length == 0) {
                return Double.NaN;
            }
            double[] sorted = latenciesMs.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "slow-disk bench: %d nodes on one event loop, %d ms per write, %d puts in flight "
            + "of %d bytes, a probe every %d ms%n", loopNodes, writeDelayMs, putsInFlight, contentBytes, probeIntervalMs);
        List<Phase> phases = new ArrayList<>();
        phases.addAll(runMode("on-loop", false));
        phases.addAll(runMode("off-loop", true));
        System.out.printf(Locale.ROOT, "%-9s %-7s %7s %8s %8s %8s %8s %9s %10s%n", "writes", "phase", "probes", "timeouts",
            "p50 ms", "p99 ms", "max ms", "puts ok", "puts fail");
        for (Phase phase : phases) {
            System.out.printf(Locale.ROOT, "%-9s %-7s %7d %8d %8.1f %8.1f %8.1f %9d %10d%n", phase.mode(), phase.phase(),
                phase.latenciesMs().length, phase.timeouts(), phase.percentile(50), phase.percentile(99),
                phase.percentile(100), phase.putsDone(), phase.putsFailed());
        }
        Phase onLoop = phases.get(1);
        Phase offLoop = phases.get(3);
        System.out.printf(Locale.ROOT, "SUMMARY slow-disk: %d nodes on one loop, %d ms/write: loaded echo p99 on-loop %.1f ms, "
                + "off-loop %.1f ms (idle %.1f ms), ratio on/off %.1f; timeouts on-loop %d, off-loop %d; puts ok on-loop %d, off-loop %d%n",
            loopNodes, writeDelayMs, onLoop.percentile(99), offLoop.percentile(99), phases.get(2).percentile(99),
            onLoop.percentile(99) / offLoop.percentile(99), onLoop.timeouts(), offLoop.timeouts(), onLoop.putsDone(),
            offLoop.putsDone());
        return 0;
    }

    private List<Phase> runMode(String mode, boolean offLoop) throws Exception {
        Path directory = Files.createTempDirectory("butter-slow-disk-");
        EventLoopGroup sharedLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<ButterNode> started = new ArrayList<>();
        List<DiskQueue> queues = new ArrayList<>();
        try {
            List<ButterNode> onTheLoop = new ArrayList<>();
            for (int i = 0; i < loopNodes; i++) {
                ChunkStore store = new SlowChunkStore(FileChunkStore.open(directory.resolve("node-" + i), 256L << 20), writeDelayMs);
                DiskWork disk = DiskWork.inline();
                if (offLoop) {
                    DiskQueue queue = new DiskQueue("butter-disk-bench-" + i, DiskQueue.DEFAULT_QUEUE_LIMIT);
                    queues.add(queue);
                    disk = queue;
                }
                ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).eventLoopGroup(sharedLoop).storage(false));
                node.handleOnLoop(ECHO_ROUTE, request -> Reply.of(request.payload()));
                node.install(new PeerContentGroups(PcgConfig.defaults(), store, disk)).start();
                started.add(node);
                onTheLoop.add(node);
            }
            List<HostPort> seeds = onTheLoop.stream().map(node -> node.address().hostPort()).toList();
            ButterNode writer = Butter.node(cfg -> seeds.forEach(cfg.host("127.0.0.1").port(0)::bootstrap)).start();
            started.add(writer);
            ButterNode prober = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false)).start();
            started.add(prober);
            awaitFormed(writer);

            probe(mode, "warm-up", prober, onTheLoop, WARM_UP_SECONDS, null); // connections, TLS and JIT first
            Phase idle = probe(mode, "idle", prober, onTheLoop, idleSeconds, null);
            Writer puts = new Writer(writer, contentBytes, putsInFlight);
            Thread putting = Thread.ofVirtual().name("slow-disk-bench-writer").start(puts);
            Phase loaded;
            try {
                loaded = probe(mode, "loaded", prober, onTheLoop, loadedSeconds, puts);
            } finally {
                puts.stop();
                putting.join(STOP_LIMIT.toMillis());
            }
            return List.of(idle, loaded);
        } finally {
            CompletableFuture.allOf(started.stream().map(node -> node.shutdown(Duration.ZERO)).toArray(CompletableFuture[]::new))
                .get(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            for (DiskQueue queue : queues) {
                queue.close(STOP_LIMIT.toMillis()).get(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            sharedLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(STOP_LIMIT.toMillis());
            deleteTree(directory);
        }
    }

    /** Waits (bounded) until the writer knows every loop node, so its puts find candidates at once. */
    private void awaitFormed(ButterNode writer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writer.knownHosts().hosts().size() < loopNodes && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        if (writer.knownHosts().hosts().size() < loopNodes) {
            throw new IllegalStateException("the writer knows " + writer.knownHosts().hosts().size() + " of "
                + loopNodes + " loop nodes after 30 s");
        }
    }

    /** Probes each loop node's echo route in turn for {@code seconds}; bounded by the count it plans. */
    private Phase probe(String mode, String phase, ButterNode prober, List<ButterNode> targets, int seconds, Writer puts)
        throws Exception {
        int planned = (int) (seconds * 1000L / probeIntervalMs);
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger timeouts = new AtomicInteger();
        List<CompletableFuture<?>> probes = new ArrayList<>(planned);
        int doneBefore = puts == null ? 0 : puts.done.get();
        int failedBefore = puts == null ? 0 : puts.failed.get();
        byte[] payload = new byte[32];
        for (int i = 0; i < planned; i++) {
            ButterNode target = targets.get(i % targets.size());
            long sentNs = System.nanoTime();
            probes.add(prober.request(target.address(), ECHO_ROUTE, payload, Duration.ofMillis(probeTimeoutMs))
                .whenComplete((reply, error) -> {
                    if (error == null) {
                        latencies.add((System.nanoTime() - sentNs) / 1e6);
                    } else {
                        timeouts.incrementAndGet();
                        latencies.add((double) probeTimeoutMs);
                    }
                }));
            TimeUnit.MILLISECONDS.sleep(probeIntervalMs);
        }
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
            .get(probeTimeoutMs * 2, TimeUnit.MILLISECONDS);
        int putsDone = puts == null ? 0 : puts.done.get() - doneBefore;
        int putsFailed = puts == null ? 0 : puts.failed.get() - failedBefore;
        return new Phase(mode, phase, latencies.stream().mapToDouble(Double::doubleValue).toArray(), timeouts.get(),
            putsDone, putsFailed);
    }

    /** Keeps {@code inFlight} puts of fresh random content going until stopped. */
    private static final class Writer implements Runnable {
        private final ButterNode node;
        private final int contentBytes;
        private final Semaphore slots;
        private final SplittableRandom random = new SplittableRandom(12);
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private volatile boolean stopped;

        Writer(ButterNode node, int contentBytes, int inFlight) {
            this.node = node;
            this.contentBytes = contentBytes;
            this.slots = new Semaphore(inFlight);
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    byte[] content = new byte[contentBytes];
                    random.nextBytes(content);
                    node.storage().put(content).whenComplete((id, error) -> {
                        (error == null ? done : failed).incrementAndGet();
                        slots.release();
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            stopped = true;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
