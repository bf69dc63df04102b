package network.butter.testbed.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a process run starts its nodes.
 *
 * @param launcher         the whole command that starts one host process, e.g. {@code java -Xmx100m -cp butter.jar
 *                         network.butter.cli.ButterCli node-host --memory 32m ...}, its heap sized by
 *                         {@link #heapMb()}
 * @param nodesPerProcess  nodes one host process runs; 1 makes every node its own process (its own JVM); more
 *                         spread a large network over fewer JVMs, and then a {@code SIGKILL} takes all of a
 *                         process's nodes down together, like a machine crash
 * @param restartFraction  share of the replacements that are dead nodes brought back from their data directory
 *                         (same key, same chunks) rather than fresh nodes, 0 to 1
 * @param nodeMemoryBytes  each node's memory budget ({@code --memory} of {@code butter node}); its limits follow
 * @param workDirectory    where each run makes its directory ({@code butter-testbed-*}) for the nodes' data
 *                         directories and the hosts' logs, removed after the run
 * @param seed             seed of the cluster's own choices (which dead node comes back)
 * @param protocol         how summaries name the nodes' storage settings, e.g. {@code pcg-r3}
 * @param spareProcesses   host processes kept booted with no node in them, at least 1: a replacement for a killed
 *                         process then starts in a JVM that is already up instead of waiting for one to boot (on a
 *                         busy machine a boot takes seconds, while churn kills a process every second)
 * @param killScope        what a death takes down: the node's whole process ({@code SIGKILL}) or the node alone
 */
public record ProcessConfig(List<String> launcher, int nodesPerProcess, double restartFraction, long nodeMemoryBytes,
                            Path workDirectory, long seed, String protocol, int spareProcesses, KillScope killScope) {

    /** Most spare host processes a run keeps booted. */
    public static final int MAX_SPARE_PROCESSES = 64;

    /** Most nodes one host process runs. */
    public static final int MAX_NODES_PER_PROCESS = 500;

    /** Smallest node memory budget a host accepts (that of {@code butter node --memory}). */
    public static final long MIN_NODE_MEMORY_BYTES = 16L << 20;

    /** Checks the values, naming the one at fault. */
    public ProcessConfig {
        launcher = List.copyOf(launcher);
        if (launcher.isEmpty()) {
            throw new IllegalArgumentException("the launcher command is empty");
        }
        if (nodesPerProcess < 1 || nodesPerProcess > MAX_NODES_PER_PROCESS) {
            throw new IllegalArgumentException("nodes per process must be 1.." + MAX_NODES_PER_PROCESS + ", got "
                + nodesPerProcess);
        }
        if (!(restartFraction >= 0 && restartFraction <= 1)) {
            throw new IllegalArgumentException("the restart fraction must be within 0..1, got " + restartFraction);
        }
        if (nodeMemoryBytes < MIN_NODE_MEMORY_BYTES) {
            throw new IllegalArgumentException("a node's memory budget must be at least 16 MiB, got " + nodeMemoryBytes);
        }
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(killScope, "killScope");
        if (spareProcesses < 1 || spareProcesses > MAX_SPARE_PROCESSES) {
            throw new IllegalArgumentException("spare processes must be 1.." + MAX_SPARE_PROCESSES + ", got "
                + spareProcesses);
        }
    }

    /**
     * How many spare host processes cover the replacements of {@code coverSeconds} of churn: the processes expected
     * to be killed in that time, at least 1 and at most {@link #MAX_SPARE_PROCESSES}.
     *
     * @param nodes             the network's size
     * @param chanceToDiePerSec each node's chance to die per second
     */
    public static int sparesFor(int nodes, int nodesPerProcess, double chanceToDiePerSec, double coverSeconds) {
        double processes = Math.ceil(nodes / (double) nodesPerProcess);
        double killsPerSecond = processes * (1 - Math.pow(1 - chanceToDiePerSec, nodesPerProcess));
        // A hair below the product, so that 3.0000000000000004 expected kills ask for 3 spares, not 4.
        return (int) Math.max(1, Math.min(MAX_SPARE_PROCESSES, Math.ceil(killsPerSecond * coverSeconds - 1e-9)));
    }

    /**
     * The heap each host JVM gets, in MiB: a base for the JVM and the node's libraries, plus a share per node, so
     * a process's memory is bounded and known before it starts ({@link MachineBudget} adds it up).
     */
    public int heapMb() {
        return heapMb(nodesPerProcess);
    }

    /** The heap of a host JVM running {@code nodesPerProcess} nodes, in MiB: what to give its {@code -Xmx}. */
    public static int heapMb(int nodesPerProcess) {
        return MachineBudget.heapMb(nodesPerProcess);
    }
}
