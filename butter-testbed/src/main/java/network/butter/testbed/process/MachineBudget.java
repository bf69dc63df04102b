package network.butter.testbed.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a process run needs from the machine, and whether the machine has it: memory (every host JVM's heap plus
 * what a JVM takes beside it), file descriptors (per host process, whose limit is the same as this one's, and in
 * this process, which holds three pipes per host) and cores. A run that would not fit is refused before it starts,
 * with the numbers, rather than found out halfway through with "Too many open files" or the kernel's OOM killer.
 *
 * @param availableMemoryBytes memory the machine can give now ({@code MemAvailable} on Linux)
 * @param fileDescriptorLimit  the per-process descriptor limit (this JVM's, which its children inherit)
 * @param cores                processors available to this JVM
 */
public record MachineBudget(long availableMemoryBytes, long fileDescriptorLimit, int cores) {

    /** Heap of a host JVM beside its nodes, in MiB. */
    static final int BASE_HEAP_MB = 40;
    /** Heap per node of a host, in MiB: its TLS and connection buffers, tables and caches with a testbed's budget. */
    static final int HEAP_PER_NODE_MB = 6;
    /**
     * What a JVM takes beside its heap (metaspace, code, thread stacks, direct buffers), in MiB: a one-node host
     * with a 46 MiB heap measured 101-112 MiB resident on loopback.
     */
    static final int NON_HEAP_MB = 70;
    /** Descriptors a host process uses beside its nodes' connections (jar, logs, pipes, epoll). */
    static final int BASE_DESCRIPTORS = 64;
    /**
     * Descriptors per node: its listening socket, its control API's socket and selector, and its connections
     * (16 known hosts polled, storage partners, searches; a loopback connection between two nodes of the same
     * process costs two).
     */
    static final int DESCRIPTORS_PER_NODE = 120;
    /** Descriptors of this process per host process: its stdin and stdout pipes and its log file. */
    static final int SUPERVISOR_DESCRIPTORS_PER_HOST = 3;
    /** Nodes one core can run on loopback with the testbed's settings (known-host polls, heartbeats, TLS). */
    static final int NODES_PER_CORE = 600;
    /**
     * Full TLS handshakes one replacement causes: its bootstrap peers, the candidates its known-host list polls, its
     * groups' partners, each a new connection. Measured: 57 new TCP connections a second while 200 real nodes churned
     * at 1/50 (4 replacements a second; {@code nstat} over 10 s, 2026-12-02).
     */
    static final int HANDSHAKES_PER_REPLACEMENT = 14;
    /** Share of the available memory a run may plan to use: the rest is for the machine's other work. */
    static final double MEMORY_SHARE = 0.8;

    /** The heap of a host JVM with {@code nodesPerProcess} nodes, in MiB. */
    static int heapMb(int nodesPerProcess) {
        return BASE_HEAP_MB + HEAP_PER_NODE_MB * nodesPerProcess;
    }

    /** This machine's budget now: free memory from {@code /proc/meminfo}, this JVM's descriptor limit, its cores. */
    public static MachineBudget ofThisMachine() {
        return new MachineBudget(availableMemory(), descriptorLimit(), Runtime.getRuntime().availableProcessors());
    }

    /** What a run of {@code nodes} nodes, {@code nodesPerProcess} to a process, needs. */
    public record Needs(int processes, long memoryBytes, long descriptorsPerProcess, long supervisorDescriptors,
                        int nodes) {

        /** The needs in a line: e.g. {@code 51 processes, 6.3 GiB, 184 descriptors per process}. */
        public String describe() {
            return String.format(Locale.ROOT, "%d nodes in %d processes need %.1f GiB of memory, %d file descriptors "
                    + "per process and %d in the testbed", nodes, processes, memoryBytes / (double) (1L << 30),
                descriptorsPerProcess, supervisorDescriptors);
        }
    }

    /**
     * The cores a run keeps busy, as estimated before it starts: the upkeep of its nodes ({@link #NODES_PER_CORE})
     * and the handshakes of the replacements churn brings ({@link #HANDSHAKES_PER_REPLACEMENT} each, at the cost
     * {@link HandshakeCost} measured on this machine). Past the machine's cores a run falls behind: answers slow,
     * handshakes time out and are tried again, and it collapses rather than degrades. A floor, not a forecast: the
     * storage work churn brings (stores and repairs, each checked against its owner's signature) comes on top, and
     * 200 nodes at 1/50, estimated at 0.8 of 2 cores, saturated both (measured 2026-12-02).
     *
     * @param nodes                 nodes alive at any time
     * @param replacementsPerSecond nodes that die and are replaced each second of churn
     * @param handshakeCpuMs        CPU milliseconds of one handshake, both sides together
     * @param cores                 the machine's cores
     */
    public record CpuNeeds(int nodes, double replacementsPerSecond, double handshakeCpuMs, int cores) {

        /** Cores the nodes' upkeep keeps busy (polls, heartbeats, summaries over TLS). */
        public double upkeepCores() {
            return nodes / (double) NODES_PER_CORE;
        }

        /** Cores the replacements' handshakes keep busy during churn. */
        public double handshakeCores() {
            return replacementsPerSecond * HANDSHAKES_PER_REPLACEMENT * handshakeCpuMs / 1000;
        }

        /** Whether the estimate fits the machine's cores. */
        public boolean fits() {
            return upkeepCores() + handshakeCores() <= cores;
        }

        /** The estimate in a line, with what it is made of, and a warning when even this floor exceeds the cores. */
        public String describe() {
            return String.format(Locale.ROOT, "churn needs at least %.1f of this machine's %d cores: %.1f for the "
                    + "upkeep of %d nodes, %.1f for %.1f replacements a second of %d TLS handshakes each, %.1f ms of "
                    + "CPU a handshake (measured here)%s", upkeepCores() + handshakeCores(), cores, upkeepCores(), nodes,
                handshakeCores(), replacementsPerSecond, HANDSHAKES_PER_REPLACEMENT, handshakeCpuMs, fits() ? ""
                    : "; more than the machine has, so expect timeouts and a run that falls behind (fewer nodes or "
                    + "less churn fit)");
        }
    }

    /** The cores a run of {@code nodes} nodes churning at {@code chanceToDie} a second needs on this machine. */
    public CpuNeeds cpuNeeds(int nodes, double chanceToDie, double handshakeCpuMs) {
        return new CpuNeeds(nodes, nodes * chanceToDie, handshakeCpuMs, cores);
    }

    /**
     * What a run needs: one process per {@code nodesPerProcess} nodes, plus {@code spareProcesses} booted ahead for
     * the replacements, each with {@link ProcessConfig#heapMb()} of heap and {@link #NON_HEAP_MB} beside it.
     */
    public static Needs needs(int nodes, int nodesPerProcess, int spareProcesses) {
        int processes = (nodes + nodesPerProcess - 1) / nodesPerProcess + spareProcesses;
        long perProcessBytes = (long) (heapMb(nodesPerProcess) + NON_HEAP_MB) << 20;
        long descriptors = BASE_DESCRIPTORS + (long) DESCRIPTORS_PER_NODE * nodesPerProcess;
        long supervisor = BASE_DESCRIPTORS + (long) SUPERVISOR_DESCRIPTORS_PER_HOST * processes + 2L * nodes;
        return new Needs(processes, processes * perProcessBytes, descriptors, supervisor, nodes);
    }

    /**
     * Checks that the run fits this budget.
     *
     * @return the needs, for the progress stream
     * @throws IllegalArgumentException saying what is short, with the numbers and what to change
     */
    public Needs check(int nodes, int nodesPerProcess, int spareProcesses) {
        Needs needs = needs(nodes, nodesPerProcess, spareProcesses);
        long usableMemory = (long) (availableMemoryBytes * MEMORY_SHARE);
        String machine = String.format(Locale.ROOT, "this machine has %.1f GiB of memory available (a run may plan "
                + "%.0f %% of it), %d file descriptors per process and %d cores", availableMemoryBytes / (double) (1L << 30),
            MEMORY_SHARE * 100, fileDescriptorLimit, cores);
        if (needs.memoryBytes() > usableMemory) {
            throw new IllegalArgumentException(needs.describe() + ", but " + machine + ": run fewer nodes, or more "
                + "nodes per process (--nodes-per-process), which share a JVM"
                + (spareProcesses > 1 ? ", or fewer spare processes (--spare-processes)" : ""));
        }
        if (needs.descriptorsPerProcess() > fileDescriptorLimit || needs.supervisorDescriptors() > fileDescriptorLimit) {
            throw new IllegalArgumentException(needs.describe() + ", but " + machine + ": run fewer nodes per "
                + "process (--nodes-per-process)");
        }
        if (nodes > (long) NODES_PER_CORE * cores) {
            throw new IllegalArgumentException(needs.describe() + ", but " + machine + ": at most " + NODES_PER_CORE
                + " nodes per core keep their polls and heartbeats on time; run fewer nodes");
        }
        return needs;
    }

    /** {@code MemAvailable} from {@code /proc/meminfo}, or the JVM's view of free physical memory elsewhere. */
    private static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: ask the JVM below
        }
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getFreeMemorySize();
    }

    /** This JVM's file descriptor limit, which the host processes inherit. */
    private static long descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return Long.MAX_VALUE;
    }
}
