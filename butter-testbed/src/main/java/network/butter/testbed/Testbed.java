package network.butter.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import network.butter.api.Limits;
import network.butter.sim.Faults;
import network.butter.sim.SimPortMapping;
import network.butter.sim.Simulation;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.LocalOnlyStorage;
import network.butter.testbed.process.HostClassArchive;
import network.butter.testbed.process.MachineBudget;
import network.butter.testbed.process.NodeStorage;
import network.butter.testbed.process.ProcessCluster;
import network.butter.testbed.process.ProcessConfig;
import network.butter.wider.Wider;
import network.butter.wider.WiderConfig;

/**
 * Runs testbed experiments end to end: builds the cluster the config's mode asks for, installs the protocol
 * under test on every node, runs the scenario and closes the cluster. What {@code butter testbed} calls.
 */
public final class Testbed {

    private Testbed() {
    }

    /** Runs the churn experiment with the baseline protocol, {@link LocalOnlyStorage}. */
    public static ChurnResult runChurn(ChurnConfig config, Consumer<String> progress) {
        return runChurn(config, new LocalOnlyStorage(), progress);
    }

    /**
     * Runs the churn experiment with {@code protocol} on a fresh cluster: simulated on a LAN-like network
     * seeded from the config, or real nodes on loopback.
     *
     * @param progress told about each phase as it starts
     */
    public static ChurnResult runChurn(ChurnConfig config, DataProtocol protocol, Consumer<String> progress) {
        return runChurn(config, Adversary.none(), protocol, progress);
    }

    /**
     * Runs the churn experiment with {@code protocol} on a fresh cluster, with {@code adversary}'s malicious nodes
     * (simulated runs only).
     *
     * @param progress told about each phase as it starts
     */
    public static ChurnResult runChurn(ChurnConfig config, Adversary adversary, DataProtocol protocol,
                                       Consumer<String> progress) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(adversary, "adversary");
        Objects.requireNonNull(protocol, "protocol");
        try (Cluster<DataPeer> cluster = cluster(config, protocol)) {
            return new ChurnScenario(config, adversary, cluster, protocol, progress).run();
        }
    }

    /**
     * Runs the churn experiment on nodes in separate processes ({@link ProcessCluster}): the nodes run Butter's own
     * storage (as {@code butter node} does), and the scenario stores and reads through their control API. Checks
     * first that the machine holds the run ({@link MachineBudget}).
     *
     * @param processes how to start the host processes
     * @param progress  told about each phase as it starts
     * @throws IllegalArgumentException if the config is not for process mode, or the machine cannot hold the run
     */
    public static ChurnResult runProcesses(ChurnConfig config, ProcessConfig processes, Consumer<String> progress) {
        Objects.requireNonNull(processes, "processes");
        if (config.mode() != Mode.PROCESSES) {
            throw new IllegalArgumentException("the config is for " + config.mode().label() + " mode, not processes");
        }
        MachineBudget.Needs needs = MachineBudget.ofThisMachine().check(config.nodes() + 1, processes.nodesPerProcess(),
            processes.spareProcesses());
        progress.accept(needs.describe());
        DataProtocol nodesOwn = new NodeStorage(processes.protocol());
        Path archiveDirectory = temporaryDirectory(processes.workDirectory(), "butter-host-classes-");
        try (Cluster<DataPeer> cluster = new ProcessCluster(sharingClasses(processes, archiveDirectory, progress),
            config.nodes() + 1, progress)) {
            return new ChurnScenario(config, cluster, nodesOwn, progress).run();
        } finally {
            deleteTree(archiveDirectory);
        }
    }

    /**
     * The config with its launcher mapping a class archive trained on one host ({@link HostClassArchive}), so the
     * run's many JVMs boot on less CPU; the config as it is, with a line on the progress stream, if training fails.
     */
    private static ProcessConfig sharingClasses(ProcessConfig processes, Path directory, Consumer<String> progress) {
        long startNanos = System.nanoTime();
        try {
            return HostClassArchive.train(processes.launcher(), directory.resolve("host.jsa"), CLASS_ARCHIVE_LIMIT)
                .map(launcher -> {
                    progress.accept(String.format(Locale.ROOT, "class archive for the host processes made in %.1f s",
                        (System.nanoTime() - startNanos) / 1e9));
                    return processes.withLauncher(launcher);
                })
                .orElse(processes);
        } catch (IllegalStateException | UncheckedIOException e) {
            progress.accept("no class archive for the host processes (" + e.getMessage() + "): they boot without one");
            return processes;
        }
    }

    /** The longest training a class archive may take, JVM boot included, on a loaded machine. */
    private static final Duration CLASS_ARCHIVE_LIMIT = Duration.ofSeconds(120);

    private static Path temporaryDirectory(Path parent, String prefix) {
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new ClusterLimitException("cannot make a directory in " + parent + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left for the system's cleaner
        }
    }

    private static Cluster<DataPeer> cluster(ChurnConfig config, DataProtocol protocol) {
        return switch (config.mode()) {
            case SIM -> simCluster(config, protocol);
            case REAL -> new RealCluster<>(RealCluster.testbedLimits(config.nodes() + 1), protocol::install);
            case PROCESSES -> throw new IllegalArgumentException("process mode starts its nodes with a command: use "
                + "runProcesses");
        };
    }

    /**
     * A simulated cluster; with nodes behind NATs every node also gets the wider layer (after the protocol, so after
     * its known hosts), with its router's port mapping where the router offers one. Without NATs nothing is added,
     * so such runs stay as they were.
     */
    private static Cluster<DataPeer> simCluster(ChurnConfig config, DataProtocol protocol) {
        // The scenario never restarts a node: the dead are replaced, and only their frozen counters are read again.
        Simulation simulation = Simulation.builder().seed(config.seed()).faults(Faults.lan()).nat(config.nat())
            .forgetDeadNodes(true).build();
        if (!config.nat().active()) {
            return new SimCluster<>(simulation, protocol::install);
        }
        Limits limits = Limits.defaults();
        WiderConfig wider = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, limits.maxConnections());
        return new SimCluster<>(simulation, node -> {
            DataPeer peer = protocol.install(node);
            node.install(new Wider(wider, SimPortMapping.forNode(simulation, node)));
            return peer;
        });
    }
}
