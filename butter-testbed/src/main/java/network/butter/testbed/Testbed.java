package network.butter.testbed;

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
import network.butter.testbed.process.HandshakeCost;
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

    /** Handshakes timed before a process run to estimate the cores its churn needs: a fraction of a second. */
    static final int MEASURED_HANDSHAKES = 20;

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
        MachineBudget budget = MachineBudget.ofThisMachine();
        MachineBudget.Needs needs = budget.check(config.nodes() + 1, processes.nodesPerProcess(),
            processes.spareProcesses());
        progress.accept(needs.describe());
        progress.accept(budget.cpuNeeds(config.nodes(), config.chanceToDie(),
            HandshakeCost.measureCpuMs(MEASURED_HANDSHAKES)).describe());
        DataProtocol nodesOwn = new NodeStorage(processes.protocol());
        try (Cluster<DataPeer> cluster = new ProcessCluster(processes, config.nodes() + 1, progress)) {
            return new ChurnScenario(config, cluster, nodesOwn, progress).run();
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
        // Keys are made ahead on the second core: a large run spawns a node for every death.
        Simulation simulation = Simulation.builder().seed(config.seed()).faults(Faults.lan()).nat(config.nat())
            .forgetDeadNodes(true).makeKeysAhead(true).build();
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
