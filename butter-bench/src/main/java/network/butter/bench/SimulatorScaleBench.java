package network.butter.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.sim.Faults;
import network.butter.sim.SimNode;
import network.butter.sim.Simulation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the simulator runs the real node runtime: n nodes on a simulated LAN, each knowing a few random
 * peers and calling one of them every second (a stand-in for the background traffic of host polls and
 * heartbeats), for a fixed stretch of virtual time. Reports events per wall second and virtual seconds per
 * wall second for each size, and a final {@code SUMMARY} line.
 *
 * <p>Run it with {@code scripts/sim-scale.sh} ({@code --help} lists the options).
 */
@Command(name = "sim-scale.sh", sortOptions = false,
    description = "Simulator throughput: n nodes with background traffic for a fixed virtual time.")
public final class SimulatorScaleBench implements Callable<Integer> {

    @Option(names = "--nodes", split = ",", defaultValue = "1000,10000", paramLabel = "N",
        description = "Network sizes, comma-separated (default ${DEFAULT-VALUE}); try 100000 too.")
    private List<Integer> sizes;

    @Option(names = "--virtual-seconds", defaultValue = "60", paramLabel = "S",
        description = "Virtual time to run each network for, after it is built (default ${DEFAULT-VALUE}).")
    private int virtualSeconds;

    @Option(names = "--peers", defaultValue = "8", paramLabel = "K",
        description = "Random peers each node knows and calls (default ${DEFAULT-VALUE}).")
    private int peers;

    @Option(names = "--period-ms", defaultValue = "1000", paramLabel = "MS",
        description = "How often each node calls a peer, in virtual milliseconds (default ${DEFAULT-VALUE}).")
    private long periodMs;

    @Option(names = "--seed", defaultValue = "1", description = "Simulation seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the benchmark and exits with picocli's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorScaleBench()).execute(args));
    }

    /** One measured size. */
    record Result(int nodes, long buildMs, long runMs, long events, long delivered, long traceHash) {
        double eventsPerSecond() {
            return events * 1000.0 / Math.max(1, runMs);
        }

        double virtualPerWall(int virtualSeconds) {
            return virtualSeconds * 1000.0 / Math.max(1, runMs);
        }
    }

    @Override
    public Integer call() {
        System.out.printf(Locale.ROOT, "simulator scale: %d virtual s per size, %d peers per node, one call every %d ms, seed %d%n",
            virtualSeconds, peers, periodMs, seed);
        System.out.printf(Locale.ROOT, "%9s %9s %9s %12s %12s %12s %10s  %s%n",
            "nodes", "build ms", "run ms", "events", "events/s", "delivered", "virt/wall", "trace");
        List<String> parts = new ArrayList<>();
        for (int n : sizes) {
            Result r = run(n);
            System.out.printf(Locale.ROOT, "%9d %9d %9d %12d %12.0f %12d %10.2f  %016x%n", r.nodes(), r.buildMs(),
                r.runMs(), r.events(), r.eventsPerSecond(), r.delivered(), r.virtualPerWall(virtualSeconds), r.traceHash());
            parts.add(String.format(Locale.ROOT, "n=%d: %.0f events/s, %.2f virtual s per wall s, build %.1f s, run %.1f s",
                n, r.eventsPerSecond(), r.virtualPerWall(virtualSeconds), r.buildMs() / 1000.0, r.runMs() / 1000.0));
        }
        System.out.println("SUMMARY simulator scale, " + virtualSeconds + " virtual s, background call every "
            + periodMs + " ms per node | " + String.join(" | ", parts));
        return 0;
    }

    Result run(int n) {
        long buildStart = System.nanoTime();
        Simulation sim = Simulation.builder().seed(seed).faults(Faults.lan()).build();
        List<SimNode> nodes = new ArrayList<>(n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            nodes.add(sim.spawn(node -> node.handle("bench/ping", req -> Reply.empty())));
        }
        for (SimNode node : nodes) {
            PeerAddress[] known = new PeerAddress[peers];
            for (int p = 0; p < peers; p++) {
                SimNode peer;
                do {
                    peer = nodes.get(random.nextInt(n));
                } while (peer == node);
                known[p] = peer.address();
            }
            SplittableRandom choice = random.split();
            node.node().every(Duration.ofMillis(periodMs), self -> ping(self, known[choice.nextInt(known.length)]));
        }
        long buildMs = (System.nanoTime() - buildStart) / 1_000_000;
        long eventsBefore = sim.eventsRun();
        long runStart = System.nanoTime();
        sim.runFor(Duration.ofSeconds(virtualSeconds));
        long runMs = (System.nanoTime() - runStart) / 1_000_000;
        return new Result(n, buildMs, runMs, sim.eventsRun() - eventsBefore, sim.networkStats().delivered(),
            sim.traceHash());
    }

    private static void ping(Node self, PeerAddress peer) {
        self.request(peer, "bench/ping", new byte[0], Duration.ofSeconds(5));
    }
}
