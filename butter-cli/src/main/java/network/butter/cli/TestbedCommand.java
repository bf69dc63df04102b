package network.butter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.testbed.ChurnConfig;
import network.butter.testbed.ChurnResult;
import network.butter.testbed.Deaths;
import network.butter.testbed.Mode;
import network.butter.testbed.Testbed;
import network.butter.testbed.TestbedReport;
import network.butter.testbed.process.KillScope;
import network.butter.testbed.process.ProcessConfig;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.attack.Attack;
import network.butter.health.HealthConfig;
import network.butter.node.NativeAccess;
import network.butter.persist.PcgConfig;
import network.butter.sim.NatPlan;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.LocalOnlyStorage;
import network.butter.testbed.protocol.PcgStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code butter testbed}: runs the churn experiment (see {@link ChurnConfig}) on simulated nodes or on real
 * nodes on loopback, prints one {@code SUMMARY ...} line on stdout, and writes the time series as CSV and a PNG
 * chart. Progress goes to stderr, so that scripts can read the summary alone.
 */
@Command(
    name = "testbed",
    description = {
        "Run the churn experiment: spawn nodes, store items, kill and replace nodes at random, then retrieve every "
            + "item from a fresh node.",
        "Prints one SUMMARY line; writes churn-<mode>.csv and churn-<mode>.png into --out. Simulated runs repeat "
            + "exactly with the same --seed; real runs use real sockets on 127.0.0.1 only."})
final class TestbedCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", converter = ModeConverter.class, defaultValue = "sim", paramLabel = "sim|real|processes",
        description = "sim: simulated nodes in virtual time; real: real nodes on 127.0.0.1 in this JVM "
            + "(at most " + ChurnConfig.MAX_REAL_NODES + " nodes, phases of at most 5 minutes); processes: every node "
            + "a separate butter process on 127.0.0.1 (or --nodes-per-process to a process), its own data directory "
            + "and control API, killed with SIGKILL; refused with the numbers when the machine cannot hold it.")
    private Mode mode;

    @Option(names = "--nodes-per-process", defaultValue = "1", paramLabel = "N",
        description = "Processes mode: nodes one process (one JVM) runs. 1 makes every node its own process; more "
            + "fit a large network on one machine (e.g. 1,000 nodes in 20 JVMs), and then a death SIGKILLs the "
            + "process with all its nodes, like a machine crash (see --kill-scope). Default: ${DEFAULT-VALUE}.")
    private int nodesPerProcess;

    @Option(names = "--kill-scope", converter = KillScopeConverter.class, defaultValue = "process",
        paramLabel = "process|node",
        description = "Processes mode: what a death takes down: 'process' SIGKILLs the node's host with every node "
            + "in it; 'node' closes the chosen node alone, at once and without grace (as real mode's deaths), its "
            + "host running on, so each node's chance to die stays --chance-to-die however many share a JVM. "
            + "Default: ${DEFAULT-VALUE}.")
    private KillScope killScope;

    @Option(names = "--restart-fraction", converter = ProbabilityConverter.class, defaultValue = "0", paramLabel = "F",
        description = "Processes mode: share of the replacements that are dead nodes started again from their data "
            + "directories (same peer id, the chunks they held), 0 to 1; the others are fresh nodes. "
            + "Default: ${DEFAULT-VALUE}.")
    private double restartFraction;

    @Option(names = "--spare-processes", paramLabel = "N",
        description = "Processes mode: host processes kept booted with no node in them, so that a replacement starts "
            + "in a JVM that is already up (1.." + ProcessConfig.MAX_SPARE_PROCESSES + "). Default: the processes "
            + "churn kills in " + SPARES_COVER_SECONDS + " s, at least 1.")
    private Integer spareProcesses;

    /**
     * How long a processes run stopped by a signal (Ctrl-C, {@code kill}, {@code timeout}) may take to write the
     * figures so far before the JVM exits: the run stops as soon as its host processes are killed, and writing takes
     * seconds.
     */
    static final Duration REPORT_AFTER_SIGNAL = Duration.ofSeconds(30);

    /** Nodes per host from which a host JVM compiles with C2 too (fewer: the quick compiler only). */
    static final int OPTIMISING_HOST_NODES = 10;

    /** Seconds of churn the default number of spare processes covers: about a host's boot on a busy machine. */
    static final int SPARES_COVER_SECONDS = 10;

    @Option(names = "--node-memory", converter = Converters.MemoryBudget.class, defaultValue = "64m", paramLabel = "SIZE",
        description = "Processes mode: memory budget of each node; its JVM's heap is sized from the nodes it runs. "
            + "Default: ${DEFAULT-VALUE}.")
    private DataSize nodeMemory;

    @Option(names = {"-n", "--nodes"}, defaultValue = "250", paramLabel = "N",
        description = "Nodes alive at any time; dead ones are replaced.")
    private int nodes;

    @Option(names = "--items", defaultValue = "100", paramLabel = "K",
        description = "Random items stored before churn, each from a random node.")
    private int items;

    @Option(names = "--item-bytes", defaultValue = "1024", paramLabel = "BYTES",
        description = "Size of each item.")
    private int itemBytes;

    @Option(names = "--chance-to-die", converter = ProbabilityConverter.class, defaultValue = "1/50", paramLabel = "P",
        description = "Probability per second that a node past its grace period dies, as a decimal or a "
            + "fraction: 0.02 or 1/50.")
    private double chanceToDie;

    @Option(names = "--grace", converter = DurationConverter.class, defaultValue = "5s", paramLabel = "DURATION",
        description = "Age before which a node never dies, e.g. 5s, 1m.")
    private Duration grace;

    @Option(names = "--form", converter = DurationConverter.class, defaultValue = "5s", paramLabel = "DURATION",
        description = "Time the network gets to form before items are stored.")
    private Duration form;

    @Option(names = "--churn", converter = DurationConverter.class, defaultValue = "30s", paramLabel = "DURATION",
        description = "Time nodes keep dying and being replaced.")
    private Duration churn;

    @Option(names = "--settle", converter = DurationConverter.class, defaultValue = "10s", paramLabel = "DURATION",
        description = "Quiet time after churn, before the fresh node retrieves.")
    private Duration settle;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
        description = "Seed of every random decision; a simulated run repeats exactly with the same seed.")
    private long seed;

    @Option(names = "--bootstrap-peers", defaultValue = "8", paramLabel = "COUNT",
        description = "Random live nodes each new node is told about (there is no discovery yet).")
    private int bootstrapPeers;

    @Option(names = "--read-window", defaultValue = "" + ChurnConfig.DEFAULT_READ_WINDOW, paramLabel = "READS",
        description = "Reads the fresh node keeps in flight at the end (1..256); one that ends makes room for the "
            + "next. Large simulated networks read faster with more. The SUMMARY line names it when not 10.")
    private int readWindow;

    @Option(names = "--partition", defaultValue = "0", paramLabel = "GROUPS",
        description = "Sim only: split the network into this many random groups during churn, healed before "
            + "settling; 0 for none.")
    private int partitionGroups;

    @Option(names = "--loss", converter = ProbabilityConverter.class, defaultValue = "0", paramLabel = "P",
        description = "Sim only: lose each message with this probability from churn to the end of retrieval; "
            + "0 for none.")
    private double loss;

    @Option(names = "--deaths", converter = DeathsConverter.class, defaultValue = "crash",
        paramLabel = "crash|silent|mixed",
        description = "How churn kills nodes. crash: peers see the connection reset at once. silent (sim only): the "
            + "node's links go dark, no reset, no refusal; frames to it vanish and dials time out, as after a power "
            + "loss. mixed (sim only): each death crash or silent, 50/50 from the seed. Default: ${DEFAULT-VALUE}.")
    private Deaths deaths;

    @Option(names = "--behind-nat", converter = ProbabilityConverter.class, defaultValue = "0", paramLabel = "FRACTION",
        description = "Sim only: put this share of the nodes (0 to 1, e.g. 0.7) in home LANs behind routers; their "
            + "private addresses cannot be dialled from outside. The summary and CSV then give the share of "
            + "direct, punched and relayed connections. Default: ${DEFAULT-VALUE} (all public).")
    private double behindNat;

    @Option(names = "--symmetric-nat", converter = ProbabilityConverter.class, defaultValue = "0.5", paramLabel = "SHARE",
        description = "With --behind-nat: share of the routers with symmetric mapping (a fresh port per destination, "
            + "no hole punching to them from port-restricted NATs); the others are port-restricted cones. "
            + "Default: ${DEFAULT-VALUE}.")
    private double symmetricNat;

    @Option(names = "--port-mapping", converter = ProbabilityConverter.class, defaultValue = "0.25", paramLabel = "SHARE",
        description = "With --behind-nat: share of the routers that offer port mapping (UPnP IGD / NAT-PMP). "
            + "Default: ${DEFAULT-VALUE}.")
    private double portMapping;

    @Option(names = "--nodes-per-lan", defaultValue = "2", paramLabel = "N",
        description = "With --behind-nat: nodes spawned into one home LAN before the next LAN is made. "
            + "Default: ${DEFAULT-VALUE}.")
    private int nodesPerLan;

    @Option(names = "--protocol", defaultValue = "pcg", paramLabel = "pcg|local-only",
        description = "Data protocol under test: pcg (Peer Content Groups, Butter's storage) or local-only (the "
            + "unreplicated baseline). Default: ${DEFAULT-VALUE}.")
    private String protocol;

    @Option(names = "--replication", defaultValue = "3", paramLabel = "R",
        description = "pcg: members per group. Default: ${DEFAULT-VALUE}.")
    private int replication;

    @Option(names = "--heartbeat", converter = DurationConverter.class, defaultValue = "2s", paramLabel = "DURATION",
        description = "pcg: heartbeat interval. Default: ${DEFAULT-VALUE}.")
    private Duration heartbeat;

    @Option(names = "--max-replication", defaultValue = "" + PcgConfig.DEFAULT_MAX_REPLICATION, paramLabel = "R",
        description = "pcg: let the group size grow up to R under the churn nodes observe (adaptive replication, "
            + "the library's default); R at or below --replication keeps it fixed (e.g. --max-replication 3 for the "
            + "seed's fixed r = 3). Default: ${DEFAULT-VALUE}.")
    private int maxReplication;

    @Option(names = "--malicious", converter = ProbabilityConverter.class, defaultValue = "0", paramLabel = "FRACTION",
        description = "Sim only, pcg only: this share of the nodes is malicious (0 to 0.5, e.g. 0.1 or 1/10): they "
            + "run the real node plus the --attack, stay up through churn and never store the items; the reader "
            + "is honest. Default: ${DEFAULT-VALUE}.")
    private double malicious;

    @Option(names = "--attack", defaultValue = "all", paramLabel = "trim|tombstone|sybil-leader|lying-summary|flood|all",
        description = "What malicious nodes do (see docs/EXPERIMENTS.md). Default: ${DEFAULT-VALUE}.")
    private String attack;

    @Option(names = "--failure-detector", paramLabel = "",
        description = "pcg: run the failure detector on every node (SWIM probes, suspicion, local health), so that "
            + "silent deaths are confirmed and reported to the storage; see docs/ARCHITECTURE.md.")
    private boolean failureDetector;

    @Option(names = "--out", defaultValue = "testbed-out", paramLabel = "DIR",
        description = "Directory for the CSV time series and the PNG chart; created if missing.")
    private Path out;

    /**
     * The experiment the options describe.
     *
     * @throws ParameterException naming the option at fault, so picocli reports a usage error (exit code 2)
     */
    ChurnConfig config() {
        try {
            return ChurnConfig.builder()
                .mode(mode)
                .nodes(nodes)
                .items(items)
                .itemBytes(itemBytes)
                .chanceToDie(chanceToDie)
                .grace(grace)
                .form(form)
                .churn(churn)
                .settle(settle)
                .seed(seed)
                .bootstrapPeers(bootstrapPeers)
                .partitionGroups(partitionGroups)
                .lossProbability(loss)
                .deaths(deaths)
                .nat(behindNat > 0 ? new NatPlan(behindNat, symmetricNat, portMapping, nodesPerLan) : NatPlan.none())
                .readWindow(readWindow)
                .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: " + e.getMessage());
        }
    }

    /**
     * The experiment the options describe, checked for options of process mode given to another mode.
     *
     * @throws ParameterException naming the option at fault
     */
    ChurnConfig checkedConfig() {
        ChurnConfig config = config();
        if (mode != Mode.PROCESSES && (nodesPerProcess != 1 || restartFraction != 0 || spareProcesses != null
            || killScope != KillScope.PROCESS)) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: --nodes-per-process, "
                + "--restart-fraction, --spare-processes and --kill-scope need --mode processes");
        }
        return config;
    }

    /**
     * The data protocol the options describe.
     *
     * @throws ParameterException naming the option at fault
     */
    DataProtocol dataProtocol() {
        try {
            return switch (protocol.toLowerCase(Locale.ROOT)) {
                case "local-only" -> {
                    if (failureDetector) {
                        throw new IllegalArgumentException("--failure-detector needs --protocol pcg");
                    }
                    yield new LocalOnlyStorage();
                }
                case "pcg" -> {
                    PcgStorage storage = new PcgStorage(PcgConfig.defaults().withReplication(replication, maxReplication)
                        .withHeartbeatIntervalMs(heartbeat.toMillis()));
                    yield failureDetector ? storage.withFailureDetector(HealthConfig.defaults()) : storage;
                }
                default -> throw new IllegalArgumentException("unknown protocol '" + protocol + "': use pcg or local-only");
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: " + e.getMessage());
        }
    }

    /**
     * The malicious nodes the options describe.
     *
     * @throws ParameterException naming the option at fault
     */
    Adversary adversary() {
        try {
            Adversary adversary = new Adversary(malicious, Attack.parse(attack));
            if (adversary.active(nodes) && mode != Mode.SIM) {
                throw new IllegalArgumentException("--malicious needs --mode sim: malicious nodes are simulated");
            }
            if (adversary.active(nodes) && !"pcg".equalsIgnoreCase(protocol)) {
                throw new IllegalArgumentException("--malicious needs --protocol pcg: the attacks target its routes");
            }
            return adversary;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: " + e.getMessage());
        }
    }

    /** Where the CSV and chart go. */
    Path outDirectory() {
        return out.toAbsolutePath();
    }

    /** Runs the experiment, writes the files, then prints the summary line. */
    @Override
    public Integer call() throws IOException {
        ChurnConfig config = checkedConfig();
        DataProtocol dataProtocol = dataProtocol();
        Adversary adversary = adversary();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = phase -> {
            synchronized (err) {
                err.println("testbed: " + phase);
                err.flush();
            }
        };
        if (mode != Mode.PROCESSES) {
            report(Testbed.runChurn(config, adversary, dataProtocol, progress));
            return 0;
        }
        // Stopped by a signal, the JVM kills the host processes (ProcessCluster's hook), the run then stops with
        // the figures so far, and this hook keeps the JVM alive until they are written, as a resource limit does.
        CountDownLatch reported = new CountDownLatch(1);
        Thread awaitReport = new Thread(() -> awaitQuietly(reported, REPORT_AFTER_SIGNAL), "butter-testbed-report");
        Runtime.getRuntime().addShutdownHook(awaitReport);
        try {
            report(runProcesses(config, dataProtocol.name(), progress));
            return 0;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(awaitReport);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting on a signal; the hook returns now that the figures are out
            }
        }
    }

    /** Writes the CSV and the chart, then prints the summary line. */
    private void report(ChurnResult result) throws IOException {
        TestbedReport.Outputs files = TestbedReport.write(result, outDirectory());
        PrintWriter err = spec.commandLine().getErr();
        err.println("csv:   " + files.csv());
        err.println("chart: " + files.chart());
        err.flush();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(result.summaryLine());
        stdout.flush();
    }

    private static void awaitQuietly(CountDownLatch latch, Duration limit) {
        try {
            latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A process run: the host processes are this JVM's {@code java} on this JVM's class path running
     * {@code butter node-host}, with a heap sized for their nodes.
     *
     * @throws ParameterException if the machine cannot hold the run (with the numbers) or the options do not fit
     */
    private ChurnResult runProcesses(ChurnConfig config, String protocolName, Consumer<String> progress)
        throws IOException {
        if ("local-only".equalsIgnoreCase(protocol) || failureDetector) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: processes mode runs the nodes' "
                + "own storage (pcg, no failure detector)");
        }
        // Node deaths free room in the running hosts: one spare covers the odd host that fills up.
        int spares = spareProcesses != null ? spareProcesses : killScope == KillScope.NODE ? 1
            : ProcessConfig.sparesFor(config.nodes(), nodesPerProcess, chanceToDie, SPARES_COVER_SECONDS);
        List<String> launcher = hostLauncher(ProcessConfig.heapMb(nodesPerProcess), config.nodes() + 1);
        ProcessConfig processes;
        try {
            processes = new ProcessConfig(launcher, nodesPerProcess, restartFraction, nodeMemory.bytes(),
                Path.of(System.getProperty("java.io.tmpdir")), seed, protocolName, spares, killScope);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid testbed options: " + e.getMessage());
        }
        try {
            return Testbed.runProcesses(config, processes, progress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Cannot run: " + e.getMessage());
        }
    }

    /**
     * The command of one host process: small heap, serial GC, and an exit on {@link OutOfMemoryError} rather than a
     * limping process. A host of one or a few nodes uses the quick compiler only (50 JVMs booting with C2 as well on
     * two busy cores took over 5 minutes to start their first node; with C1 alone, under 4); a host of many nodes
     * lives long and spends its CPU on their TLS handshakes and frames, where C2's code pays for its compiling.
     */
    private List<String> hostLauncher(int heapMb, int networkSize) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> compiler = nodesPerProcess >= OPTIMISING_HOST_NODES ? List.of("-XX:CICompilerCount=2")
            : List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMb + "m", "-Xss512k", "-XX:+UseSerialGC"));
        command.addAll(compiler);
        command.addAll(List.of("-XX:+ExitOnOutOfMemoryError", NativeAccess.JVM_OPTION,
            "-cp", System.getProperty("java.class.path"), ButterCli.class.getName(), "node-host",
            "--memory", Long.toString(nodeMemory.bytes() >> 20) + "m", "--network-size", Integer.toString(networkSize),
            "--replication", Integer.toString(replication), "--max-replication", Integer.toString(maxReplication),
            "--heartbeat", heartbeat.toMillis() + "ms"));
        return command;
    }

    /** For {@code --mode}: {@code sim}, {@code real} or {@code processes}, in any case. */
    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String text) {
            try {
                return Mode.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** For {@code --kill-scope}: {@code process} or {@code node}, in any case. */
    static final class KillScopeConverter implements ITypeConverter<KillScope> {
        @Override
        public KillScope convert(String text) {
            try {
                return KillScope.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** For {@code --deaths}: {@code crash}, {@code silent} or {@code mixed}, in any case. */
    static final class DeathsConverter implements ITypeConverter<Deaths> {
        @Override
        public Deaths convert(String text) {
            try {
                return Deaths.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** For probabilities: a decimal ({@code 0.02}) or a fraction ({@code 1/50}), from 0 to 1. */
    static final class ProbabilityConverter implements ITypeConverter<Double> {
        private static final Pattern FRACTION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*/\\s*(\\d+(?:\\.\\d+)?)\\s*");

        @Override
        public Double convert(String text) {
            double value;
            try {
                Matcher fraction = FRACTION.matcher(text);
                if (fraction.matches()) {
                    value = Double.parseDouble(fraction.group(1)) / Double.parseDouble(fraction.group(2));
                } else {
                    value = Double.parseDouble(text.strip());
                }
            } catch (NumberFormatException e) {
                throw notAProbability(text);
            }
            if (!(value >= 0 && value <= 1)) {
                throw notAProbability(text);
            }
            return value;
        }

        private static TypeConversionException notAProbability(String text) {
            return new TypeConversionException("'" + text + "' is not a probability: use a number from 0 to 1, "
                + "as a decimal or a fraction, e.g. 0.02 or 1/50");
        }
    }

    /** For durations: a number with a unit ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}); bare numbers are seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern DURATION = Pattern.compile("\\s*(\\d+)\\s*(ms|s|m|h)?\\s*");

        @Override
        public Duration convert(String text) {
            Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw new TypeConversionException("'" + text + "' is not a duration: use e.g. 30s, 2m, 1h or 500ms");
            }
            ChronoUnit unit = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
                case "ms" -> ChronoUnit.MILLIS;
                case "m" -> ChronoUnit.MINUTES;
                case "h" -> ChronoUnit.HOURS;
                default -> ChronoUnit.SECONDS;
            };
            try {
                return Duration.of(Long.parseLong(matcher.group(1)), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + text + "' is too long a duration");
            }
        }
    }
}
