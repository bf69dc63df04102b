package network.butter.testbed.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import network.butter.api.NodeStats;
import network.butter.identity.HostPort;
import network.butter.testbed.WallTime;
import network.butter.testbed.Cluster;
import network.butter.testbed.ClusterLimitException;
import network.butter.testbed.NodeStartException;
import network.butter.testbed.ClusterNode;
import network.butter.testbed.Mode;
import network.butter.testbed.NetworkFaults;
import network.butter.testbed.RealCluster;
import network.butter.testbed.protocol.DataPeer;

/**
 * A {@link Cluster} of real nodes in separate processes on {@value RealCluster#HOST}: each host process
 * ({@code butter node-host}) runs {@link ProcessConfig#nodesPerProcess()} nodes, each with its own data directory
 * and control API. The scenario reaches a node only through that API and its host's line protocol
 * ({@link HostLines}), never by reading its memory.
 *
 * <p>Killing a node is {@code SIGKILL} of its process: with several nodes per process all of them die at once
 * (the scenario counts them as deaths too); with {@link KillScope#NODE} the node alone is closed at once inside its
 * host, whose room it frees. A replacement is, with {@link ProcessConfig#restartFraction()}, a dead
 * node started again from its data directory (same peer id, the chunks it held), else a fresh node.
 * {@link ProcessConfig#spareProcesses()} host processes' worth of room is always kept booted with no node in it,
 * so a replacement starts in a JVM that is already up instead of waiting seconds for one to boot.
 *
 * <p>No process outlives the cluster: {@link #close()} kills them all, a shutdown hook does the same if this JVM
 * is stopped, and a host whose stdin closes (this JVM killed with {@code SIGKILL}) exits by itself. Every wait is
 * bounded.
 */
public final class ProcessCluster implements Cluster<DataPeer> {

    /** The longest a node may take to start, JVM boot included, on a loaded machine; longer stops the run. */
    static final Duration SPAWN_LIMIT = Duration.ofSeconds(600);
    /** The longest the cluster waits for a killed process to be gone. */
    static final long EXIT_WAIT_MS = 5_000;
    /** Most nodes started ahead of the scenario's asking, in parallel. */
    static final int STARTS_AHEAD = 32;
    /** The longest training a class archive may take, JVM boot included, on a loaded machine. */
    static final Duration CLASS_ARCHIVE_LIMIT = Duration.ofSeconds(120);
    /** How often the cluster reads its processes' memory and descriptors from {@code /proc}. */
    static final long MEASURE_EVERY_MS = 5_000;

    private final ProcessConfig config;
    private final Path work;
    private final List<String> launcher;
    private final Consumer<String> progress;
    private final SplittableRandom random;
    private final long startNanos = System.nanoTime();
    private final List<HostProcess> hosts = new ArrayList<>();
    private final Map<ClusterNode<DataPeer>, Placement> alive = new LinkedHashMap<>();
    private final List<Restartable> restartable = new ArrayList<>();
    private final java.util.ArrayDeque<Pending> starting = new java.util.ArrayDeque<>();
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread killOnExit = new Thread(() -> {
        signalled = true;
        shuttingDown = true;
        killAll();
        deleteWorkDirectory();
    }, "butter-testbed-kill-hosts");
    /**
     * Set once the hosts are being killed (the run closes, or the JVM exits on a signal while the scenario still
     * spawns): from then on no host process is launched, so none outlives the run.
     */
    private volatile boolean shuttingDown;
    /** Set when the JVM exits on a signal while the run goes on: its next step stops it with the figures so far. */
    private volatile boolean signalled;
    private boolean workDeleted;
    private int launched;
    private int nextSlot;
    private int spawned;
    private int restarts;
    private int failedStarts;
    private long peakResidentBytes;
    private long peakDescriptors;
    private long lastMeasuredMs = -MEASURE_EVERY_MS;
    private boolean closed;
    private boolean keepLogs;

    /** A node asked to start: where, and the answer to come. */
    private record Pending(HostProcess host, int slot, Path dataDirectory,
                           CompletableFuture<HostProcess.Started> started) {
    }

    /** Where a node runs: its host, its slot there, and its data directory. */
    private record Placement(HostProcess host, int slot, Path dataDirectory) {
    }

    /**
     * A dead node's data directory, and when it is free: the directory may come back only once the node's process
     * has exited ({@code SIGKILL}) or the node has closed ({@link KillScope#NODE}), since until then it still holds
     * the directory's lock (a {@code SIGKILL}ed JVM can take seconds to be gone on a busy machine).
     */
    private record Restartable(Path dataDirectory, BooleanSupplier free) {
    }

    /**
     * Starts the host processes for {@code nodes} nodes at once, so their JVMs boot together while the scenario
     * spawns, plus the spares.
     *
     * @param progress told about processes that die on their own
     * @throws ClusterLimitException if the machine refuses a process
     */
    public ProcessCluster(ProcessConfig config, int nodes, Consumer<String> progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.random = new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
        try {
            Files.createDirectories(config.workDirectory());
            this.work = Files.createTempDirectory(config.workDirectory(), "butter-testbed-");
        } catch (IOException e) {
            throw new ClusterLimitException("cannot make a work directory in " + config.workDirectory() + ": "
                + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(killOnExit);
        this.launcher = sharingClasses(config.launcher());
        try {
            int processes = (nodes + config.nodesPerProcess() - 1) / config.nodesPerProcess()
                + config.spareProcesses();
            for (int i = 0; i < processes; i++) {
                launch();
            }
        } catch (RuntimeException e) {
            close();
            throw e instanceof ClusterLimitException limit ? limit
                : new ClusterLimitException("cannot start the host processes: " + e.getMessage(), e);
        }
    }

    @Override
    public Mode mode() {
        return Mode.PROCESSES;
    }

    /**
     * Places a node on the fullest host that has room (then boots more spares if the spare room fell short), as a
     * dead node restarted from its data directory with {@link ProcessConfig#restartFraction()}, else fresh.
     *
     * @throws ClusterLimitException if the node does not start within {@link #SPAWN_LIMIT} or its host dies
     */
    @Override
    public ClusterNode<DataPeer> spawn() {
        Pending pending;
        List<Restartable> ready = restartable.stream().filter(dead -> dead.free().getAsBoolean()).toList();
        if (!ready.isEmpty() && random.nextDouble() < config.restartFraction()) {
            restarts++;
            Restartable chosen = ready.get(random.nextInt(ready.size()));
            restartable.remove(chosen);
            pending = start(hostWithRoom(), chosen.dataDirectory());
        } else {
            if (starting.isEmpty()) {
                startAhead();
            }
            pending = starting.poll();
        }
        HostProcess.Started started;
        try {
            started = pending.started().get(SPAWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            keepLogs = true;
            String message = "node " + spawned + " (slot " + pending.slot() + ") did not start in host process "
                + pending.host().number() + " (" + cause.getMessage() + "; see " + logOf(pending.host().number()) + "); "
                + alive.size() + " nodes alive in " + liveHosts() + " processes";
            if (e instanceof ExecutionException && !pending.host().gone()) {
                // The host said the node failed and closed it: nothing of it runs on.
                failedStarts++;
                throw new NodeStartException(message, cause);
            }
            throw new ClusterLimitException(message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a node started", e);
        }
        keepSpareRoom();
        HostProcess host = pending.host();
        int slot = pending.slot();
        ProcessPeer peer = new ProcessPeer(host, slot, new HostPort(RealCluster.HOST, started.apiPort()), calls);
        ClusterNode<DataPeer> node = new ClusterNode<>(spawned++, () -> host.stats(slot)
            .map(HostLines.Stats::stats).orElse(NO_TRAFFIC), peer, started.address(), nowMs());
        alive.put(node, new Placement(host, slot, pending.dataDirectory()));
        return node;
    }

    /** Asks {@code host} to start a node in {@code dataDirectory}, without waiting for it. */
    private Pending start(HostProcess host, Path dataDirectory) {
        int slot = nextSlot++;
        return new Pending(host, slot, dataDirectory, host.spawn(slot, dataDirectory));
    }

    /**
     * Starts fresh nodes ahead, one per free slot of the live hosts (round robin over the hosts), at most
     * {@link #STARTS_AHEAD} and leaving the spare room free: nodes then start in parallel, each JVM's first node
     * included, instead of one after the other, which on a loaded machine also gets the run its share of the cores.
     * Nodes started ahead but never handed out stay idle (they know no peer) until the cluster closes.
     */
    private void startAhead() {
        noticeDeadHosts();
        Map<HostProcess, Integer> free = new LinkedHashMap<>();
        for (HostProcess host : hosts) {
            free.put(host, config.nodesPerProcess() - host.slots().size());
        }
        int startable = roomLeft() - spareRoom();
        boolean added = true;
        while (starting.size() < STARTS_AHEAD && startable > 0 && added) {
            added = false;
            for (Map.Entry<HostProcess, Integer> entry : free.entrySet()) {
                if (entry.getValue() > 0 && starting.size() < STARTS_AHEAD && startable > 0) {
                    starting.add(start(entry.getKey(), work.resolve("node-" + nextSlot)));
                    entry.setValue(entry.getValue() - 1);
                    startable--;
                    added = true;
                }
            }
        }
        if (starting.isEmpty()) {
            starting.add(start(hostWithRoom(), work.resolve("node-" + nextSlot)));
        }
    }

    /** {@code SIGKILL} of the node's process: every node in it dies, and their data directories may come back. */
    @Override
    public void kill(ClusterNode<DataPeer> node) {
        Placement placement = alive.get(node);
        if (placement == null) {
            return;
        }
        HostProcess host = placement.host();
        if (config.killScope() == KillScope.NODE) {
            alive.remove(node);
            node.died(node.stats());
            CompletableFuture<Void> stopped = host.stop(placement.slot());
            restartable.add(new Restartable(placement.dataDirectory(), stopped::isDone));
            return;
        }
        host.kill();
        hosts.remove(host);
        starting.removeIf(pending -> pending.host() == host);
        for (var it = alive.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ClusterNode<DataPeer>, Placement> entry = it.next();
            if (entry.getValue().host() == host) {
                entry.getKey().died(entry.getKey().stats());
                restartable.add(new Restartable(entry.getValue().dataDirectory(), host::exited));
                it.remove();
            }
        }
        host.awaitExit(EXIT_WAIT_MS);
    }

    @Override
    public List<ClusterNode<DataPeer>> alive() {
        noticeDeadHosts();
        return List.copyOf(alive.keySet());
    }

    @Override
    public long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Sleeps until the wall clock reaches {@code targetMs}, reading the processes' memory now and then. */
    @Override
    public void advanceTo(long targetMs) {
        stopIfSignalled();
        if (nowMs() - lastMeasuredMs >= MEASURE_EVERY_MS) {
            measure();
        }
        WallTime.sleep(targetMs - nowMs());
        stopIfSignalled();
    }

    @Override
    public <T> T await(CompletableFuture<T> future, Duration limit) {
        stopIfSignalled();
        T value;
        try {
            value = WallTime.await(future, limit);
        } catch (RuntimeException failure) {
            stopIfSignalled(); // the hosts' deaths failed it: say why
            throw failure;
        }
        stopIfSignalled();
        return value;
    }

    /** Ends the run once a signal killed the hosts, rather than let it go on against processes that are gone. */
    private void stopIfSignalled() {
        if (signalled) {
            throw new ClusterLimitException("the testbed was stopped by a signal, which killed its host processes", null);
        }
    }

    /** Loopback links between processes cannot be split or degraded from here. */
    @Override
    public Optional<NetworkFaults<DataPeer>> faults() {
        return Optional.empty();
    }

    /** Real runs depend on scheduling: no reproducible trace. */
    @Override
    public OptionalLong traceHash() {
        return OptionalLong.empty();
    }

    /** The known-host count the node reported last (once a second); empty for a dead node. */
    @Override
    public OptionalInt knownHosts(ClusterNode<DataPeer> node) {
        Placement placement = alive.get(node);
        if (placement == null) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(placement.host().stats(placement.slot()).map(HostLines.Stats::knownHosts).orElse(0));
    }

    /**
     * {@code nodesPerProcess}, {@code processes} (started over the run), {@code restarts} (nodes back from their data
     * directories), and the largest resident memory ({@code peakRssMiB}) and descriptor count ({@code peakFds}) of
     * any one process, read every {@link #MEASURE_EVERY_MS} ms.
     */
    @Override
    public Map<String, String> figures() {
        measure();
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("nodesPerProcess", Integer.toString(config.nodesPerProcess()));
        figures.put("killScope", config.killScope().word());
        figures.put("processes", Integer.toString(launched));
        figures.put("restarts", Integer.toString(restarts));
        figures.put("failedStarts", Integer.toString(failedStarts));
        figures.put("peakRssMiB", Long.toString(peakResidentBytes >> 20));
        figures.put("peakFds", Long.toString(peakDescriptors));
        return figures;
    }

    /**
     * Kills every host process, waits (bounded) for them to be gone, and removes the nodes' data directories; the
     * hosts' logs too, unless a host failed, whose log the progress stream pointed at.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        shuttingDown = true;
        for (Map.Entry<ClusterNode<DataPeer>, Placement> entry : alive.entrySet()) {
            entry.getKey().died(entry.getKey().stats());
        }
        alive.clear();
        killAll();
        calls.shutdownNow();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running, or ran, and kills the processes itself
        }
        deleteWorkDirectory();
    }

    private static final NodeStats NO_TRAFFIC = new NodeStats(0, 0, 0, 0, Map.of(), 0, Map.of());

    private void killAll() {
        List<HostProcess> all;
        synchronized (hosts) {
            all = List.copyOf(hosts);
            hosts.clear();
        }
        all.forEach(HostProcess::kill);
        all.forEach(host -> host.awaitExit(EXIT_WAIT_MS));
    }

    private void launch() {
        if (shuttingDown) {
            throw new ClusterLimitException("the testbed is shutting down: no more host processes", null);
        }
        int number = launched++;
        HostProcess host;
        try {
            host = HostProcess.launch(number, launcher, logOf(number));
        } catch (RuntimeException e) {
            throw new ClusterLimitException("cannot start host process " + number + " (" + e.getMessage() + ") with "
                + alive.size() + " nodes alive in " + liveHosts() + " processes", e);
        }
        synchronized (hosts) {
            if (shuttingDown) {
                // Shutdown began while it booted: the hosts were already killed, this one would be left running.
                host.kill();
                throw new ClusterLimitException("the testbed is shutting down: no more host processes", null);
            }
            hosts.add(host);
        }
    }

    /**
     * The launcher mapping a class archive trained on one host ({@link HostClassArchive}), so the run's many JVMs
     * boot on less CPU; the launcher as it is, with a line on the progress stream, if training fails.
     */
    private List<String> sharingClasses(List<String> plain) {
        long startNanos = System.nanoTime();
        try {
            return HostClassArchive.train(plain, work.resolve("host-classes.jsa"), CLASS_ARCHIVE_LIMIT)
                .map(sharing -> {
                    progress.accept(String.format(Locale.ROOT, "class archive for the host processes made in %.1f s",
                        (System.nanoTime() - startNanos) / 1e9));
                    return sharing;
                })
                .orElse(plain);
        } catch (IllegalStateException | UncheckedIOException e) {
            progress.accept("no class archive for the host processes (" + e.getMessage() + "): they boot without one");
            return plain;
        }
    }

    private Path logOf(int number) {
        return work.resolve("host-" + number + ".log");
    }

    /** The live host with the most nodes that still has room; launches one if none has. */
    private HostProcess hostWithRoom() {
        noticeDeadHosts();
        Optional<HostProcess> fullest = hosts.stream().filter(h -> h.slots().size() < config.nodesPerProcess())
            .max(Comparator.comparingInt(h -> h.slots().size()));
        if (fullest.isPresent()) {
            return fullest.get();
        }
        launch();
        return hosts.getLast();
    }

    /** Boots hosts until the room no node has been placed in covers the spares. */
    private void keepSpareRoom() {
        noticeDeadHosts();
        while (roomLeft() < spareRoom()) {
            launch();
        }
    }

    private int spareRoom() {
        return config.spareProcesses() * config.nodesPerProcess();
    }

    private int roomLeft() {
        return hosts.stream().mapToInt(h -> config.nodesPerProcess() - h.slots().size()).sum();
    }

    private long liveHosts() {
        return hosts.stream().filter(h -> !h.gone()).count();
    }

    /** A host that died on its own (the kernel's OOM killer, a crash) takes its nodes with it: say so once. */
    private void noticeDeadHosts() {
        for (HostProcess host : List.copyOf(hosts)) {
            if (host.gone()) {
                hosts.remove(host);
                starting.removeIf(pending -> pending.host() == host);
                int lost = 0;
                for (var it = alive.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<ClusterNode<DataPeer>, Placement> entry = it.next();
                    if (entry.getValue().host() == host) {
                        entry.getKey().died(entry.getKey().stats());
                        restartable.add(new Restartable(entry.getValue().dataDirectory(), host::exited));
                        it.remove();
                        lost++;
                    }
                }
                keepLogs = true;
                progress.accept("host process " + host.number() + " (pid " + host.pid() + ") exited by itself with "
                    + lost + " nodes; see " + logOf(host.number()));
            }
        }
    }

    private void measure() {
        lastMeasuredMs = nowMs();
        for (HostProcess host : List.copyOf(hosts)) {
            peakResidentBytes = Math.max(peakResidentBytes, host.residentBytes());
            peakDescriptors = Math.max(peakDescriptors, host.descriptors());
        }
    }

    /** Removes the work directory (but the logs if they are kept); once, whether the run closes or a signal came. */
    private synchronized void deleteWorkDirectory() {
        if (workDeleted) {
            return;
        }
        workDeleted = true;
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder())
                .filter(path -> !keepLogs || !path.equals(work) && !path.getFileName().toString().endsWith(".log"))
                .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            progress.accept("could not remove " + work + ": " + e.getMessage());
        }
        if (keepLogs) {
            progress.accept("the host processes' logs stay in " + work);
        }
    }
}
