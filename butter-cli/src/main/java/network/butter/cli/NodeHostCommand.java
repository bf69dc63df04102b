package network.butter.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.control.ControlConfig;
import network.butter.control.ControlServer;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;
import network.butter.node.StorageConfig;
import network.butter.persist.PcgConfig;
import network.butter.testbed.RealCluster;
import network.butter.testbed.process.HostLines;
import network.butter.testbed.protocol.Joiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code butter node-host} (hidden): the process {@code butter testbed --mode processes} starts for its nodes. It
 * runs the nodes {@code butter node --host 127.0.0.1 --data-dir DIR --http-port 0} would (storage on disk, control
 * API on loopback), as many as the testbed asks for on its stdin, and reports on its stdout in the line protocol of
 * {@link HostLines}. When its stdin closes (the testbed ended or was killed) it exits at once: a testbed never
 * leaves orphans behind. It is killed with {@code SIGKILL} when churn picks one of its nodes, or told to stop just
 * that node ({@code --kill-scope node}).
 */
@Command(name = "node-host", hidden = true,
    description = "Run nodes for 'butter testbed --mode processes' (commands on stdin, events on stdout).")
final class NodeHostCommand implements Callable<Integer> {

    /**
     * From connect to HELLO: tens of JVMs starting together on a few busy cores handshake slowly, and a handshake
     * given up is a known host lost.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** How often each node's counters go out. */
    static final long STATS_EVERY_MS = 1_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--memory", converter = Converters.MemoryBudget.class, defaultValue = "64m", paramLabel = "SIZE",
        description = "Memory budget of each node.")
    private DataSize memory;

    @Option(names = "--network-size", defaultValue = "100", paramLabel = "N",
        description = "Nodes of the whole run: each node may hold a connection to most of them.")
    private int networkSize;

    @Option(names = "--replication", defaultValue = "3", paramLabel = "R", description = "Members per group.")
    private int replication;

    @Option(names = "--max-replication", defaultValue = "" + PcgConfig.DEFAULT_MAX_REPLICATION, paramLabel = "R",
        description = "Largest group adaptive replication may grow to; R at or below --replication keeps it fixed.")
    private int maxReplication;

    @Option(names = "--heartbeat", converter = TestbedCommand.DurationConverter.class, defaultValue = "2s",
        paramLabel = "DURATION", description = "Heartbeat interval of the groups.")
    private Duration heartbeat;

    private final Map<Integer, Hosted> nodes = new ConcurrentHashMap<>();

    /** A node this host runs, with its control API and the joiner the testbed's bootstrap lists go through. */
    private record Hosted(ButterNode node, ControlServer api, Joiner joiner) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "butter-host-stats");
            thread.setDaemon(true);
            return thread;
        });
        reporter.scheduleAtFixedRate(() -> reportStats(out), STATS_EVERY_MS, STATS_EVERY_MS, TimeUnit.MILLISECONDS);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            onCommand(line, out);
        }
        // The testbed is gone: what a node must keep is on disk already, as after a SIGKILL.
        Runtime.getRuntime().halt(0);
        return 0;
    }

    private void onCommand(String line, PrintWriter out) {
        String[] words = line.split(" ");
        if (words.length < 2) {
            return;
        }
        int slot;
        try {
            slot = Integer.parseInt(words[1]);
        } catch (NumberFormatException e) {
            return;
        }
        switch (words[0]) {
            case HostLines.SPAWN -> spawn(slot, Path.of(line.substring(line.indexOf(' ', HostLines.SPAWN.length() + 1) + 1)), out);
            case HostLines.JOIN -> join(slot, words, out);
            case HostLines.STOP -> stop(slot, out);
            default -> emit(out, HostLines.failed(slot, "unknown command '" + words[0] + "'"));
        }
    }

    private void spawn(int slot, Path dataDirectory, PrintWriter out) {
        ButterNode node = null;
        ControlServer api = null;
        try {
            Limits limits = RealCluster.testbedLimits(Limits.forMemoryBudget(memory.bytes()), networkSize)
                .withHandshakeTimeout(HANDSHAKE_TIMEOUT);
            NodeConfig config = NodeConfig.builder().host(RealCluster.HOST).port(0).dataDirectory(dataDirectory)
                .memoryBudgetBytes(memory.bytes()).limits(limits).knownHosts(RealCluster.testbedKnownHosts(limits))
                .storageProtocol(StorageConfig.defaultProtocol(limits).withReplication(replication, maxReplication)
                    .withHeartbeatIntervalMs(heartbeat.toMillis()))
                .portMapping(false).build();
            node = Butter.node(config);
            Joiner joiner = Joiner.knockingWhileLonely();
            node.install(joiner);
            api = ControlServer.bind(node, new ControlConfig(RealCluster.HOST, 0, null));
            node.start();
            api.serve();
            nodes.put(slot, new Hosted(node, api, joiner));
            emit(out, HostLines.node(slot, node.address(), api.address().getPort()));
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            if (node != null) {
                node.close();
            }
            emit(out, HostLines.failed(slot, e.getMessage()));
        }
    }

    /** Ends a node as real mode's deaths do: no grace, connections dropped; says so once its directory is free. */
    private void stop(int slot, PrintWriter out) {
        Hosted hosted = nodes.remove(slot);
        if (hosted == null) {
            emit(out, HostLines.STOPPED + " " + slot);
            return;
        }
        hosted.api().close();
        hosted.node().shutdown(Duration.ZERO).whenComplete((v, e) -> emit(out, HostLines.STOPPED + " " + slot));
    }

    private void join(int slot, String[] words, PrintWriter out) {
        Hosted hosted = nodes.get(slot);
        List<PeerAddress> peers = new ArrayList<>();
        try {
            for (int i = 2; i < words.length; i++) {
                peers.add(PeerAddress.parse(words[i]));
            }
        } catch (IllegalArgumentException e) {
            emit(out, HostLines.failed(slot, "cannot join: " + e.getMessage()));
            hosted = null;
        }
        if (hosted == null) {
            emit(out, HostLines.JOINED + " " + slot);
            return;
        }
        hosted.joiner().join(peers).whenComplete((v, e) -> emit(out, HostLines.JOINED + " " + slot));
    }

    private void reportStats(PrintWriter out) {
        nodes.forEach((slot, hosted) -> emit(out,
            HostLines.stats(slot, hosted.node().knownHosts().hosts().size(), hosted.node().stats())));
    }

    private static void emit(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
