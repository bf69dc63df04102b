package network.butter.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import network.butter.api.Limits;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.HostClass;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHostGraph;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerId;
import network.butter.sim.Faults;
import network.butter.sim.SimNode;
import network.butter.sim.Simulation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The discovery and known-host experiments of issue 4, in the simulator:
 * <ol>
 *   <li><b>LAN formation</b>: n nodes start together on one LAN segment with multicast discovery and known-host
 *       management; how long until every node knows a peer, and until the known-host graph is one component,
 *       and whether every list stays within its capacity.</li>
 *   <li><b>Diversity</b>, the original report's measure: the standard deviation of the number of known hosts per
 *       host class in each list (lower = spread more evenly over classes), for uniform nodes without and with
 *       random acceptance, and for asymmetric nodes (different storage offers, joining in two waves).</li>
 * </ol>
 * Run it with {@code scripts/discovery-experiments.sh}.
 */
@Command(name = "discovery-experiments.sh", sortOptions = false,
    description = "LAN formation and known-host diversity in the simulator.")
public final class DiscoveryExperiments implements Callable<Integer> {

    private static final long GIB = 1L << 30;
    /** Diversity runs spread nodes over subnets of this many hosts, so even uniform nodes fall into classes. */
    private static final int HOSTS_PER_SUBNET = 20;

    @Option(names = "--lan-nodes", defaultValue = "1000", description = "Nodes for LAN formation (default ${DEFAULT-VALUE}).")
    private int lanNodes;

    @Option(names = "--diversity-nodes", defaultValue = "200", description = "Nodes per diversity run (default ${DEFAULT-VALUE}).")
    private int diversityNodes;

    @Option(names = "--capacity", defaultValue = "8", description = "Known-host capacity in the diversity runs (default ${DEFAULT-VALUE}).")
    private int capacity;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds (default ${DEFAULT-VALUE}).")
    private List<Long> seeds;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the experiments and exits with picocli's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DiscoveryExperiments()).execute(args));
    }

    /** Outcome of one LAN formation run. */
    record Formation(long firstPeerP50Ms, long firstPeerP99Ms, long oneComponentMs, int maxListSize, int capacity,
                     long wallMs) {
    }

    @Override
    public Integer call() {
        List<String> summary = new ArrayList<>();
        System.out.printf(Locale.ROOT, "LAN formation: %d nodes start together on one segment%n", lanNodes);
        System.out.printf(Locale.ROOT, "%6s %14s %14s %16s %10s %9s%n", "seed", "1st peer p50", "1st peer p99",
            "one component", "max list", "wall ms");
        for (long seed : seeds) {
            Formation f = formation(lanNodes, seed);
            System.out.printf(Locale.ROOT, "%6d %11d ms %11d ms %13d ms %6d/%-3d %9d%n", seed, f.firstPeerP50Ms(),
                f.firstPeerP99Ms(), f.oneComponentMs(), f.maxListSize(), f.capacity(), f.wallMs());
            summary.add(String.format(Locale.ROOT, "seed %d: first peer p99 %d ms, one component at %d ms, max list %d/%d",
                seed, f.firstPeerP99Ms(), f.oneComponentMs(), f.maxListSize(), f.capacity()));
        }
        System.out.printf(Locale.ROOT, "%nDiversity: %d nodes in subnets of %d, capacity %d, 30 virtual minutes; mean over "
            + "nodes of the standard deviation of hosts per class (lower is more diverse)%n", diversityNodes,
            HOSTS_PER_SUBNET, capacity);
        System.out.printf(Locale.ROOT, "%-44s %10s %16s%n", "configuration", "std dev", "classes per list");
        String[][] configurations = {
            {"uniform nodes, no random acceptance", "uniform", "0"},
            {"uniform nodes, random acceptance 0.05", "uniform", "0.05"},
            {"asymmetric nodes, random acceptance 0.05", "asymmetric", "0.05"},
        };
        for (String[] configuration : configurations) {
            double[] sums = new double[2];
            for (long seed : seeds) {
                double[] result = diversity(diversityNodes, capacity, configuration[1].equals("asymmetric"),
                    Double.parseDouble(configuration[2]), seed);
                sums[0] += result[0];
                sums[1] += result[1];
            }
            double stdDev = sums[0] / seeds.size();
            double classes = sums[1] / seeds.size();
            System.out.printf(Locale.ROOT, "%-44s %10.3f %16.2f%n", configuration[0], stdDev, classes);
            summary.add(String.format(Locale.ROOT, "%s: std dev %.3f", configuration[0], stdDev));
        }
        System.out.println("SUMMARY discovery | " + String.join(" | ", summary));
        return 0;
    }

    Formation formation(int n, long seed) {
        long wallStart = System.nanoTime();
        Simulation sim = Simulation.builder().seed(seed).faults(Faults.lan()).build();
        Map<SimNode, KnownHosts> lists = new HashMap<>();
        KnownHostsConfig config = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES,
            Limits.defaults().maxConnections());
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(sim.spawn(Limits.defaults(), (self, node) -> {
                KnownHosts hosts = new KnownHosts(config, () -> 0L);
                lists.put(self, hosts);
                node.install(hosts);
                node.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            }));
        }
        long[] firstPeerAt = new long[n];
        Arrays.fill(firstPeerAt, -1);
        long oneComponentAt = -1;
        int maxList = 0;
        for (int step = 0; step < 6_000 && (oneComponentAt < 0 || Arrays.stream(firstPeerAt).anyMatch(t -> t < 0)); step++) {
            sim.runFor(Duration.ofMillis(10));
            for (int i = 0; i < n; i++) {
                int size = lists.get(nodes.get(i)).hosts().size();
                maxList = Math.max(maxList, size);
                if (firstPeerAt[i] < 0 && size > 0) {
                    firstPeerAt[i] = sim.nowMs();
                }
            }
            if (oneComponentAt < 0 && connected(nodes, lists)) {
                oneComponentAt = sim.nowMs();
            }
        }
        sim.runFor(Duration.ofSeconds(30));
        for (SimNode node : nodes) {
            maxList = Math.max(maxList, lists.get(node).hosts().size());
        }
        long[] sorted = Arrays.stream(firstPeerAt).sorted().toArray();
        return new Formation(percentile(sorted, 0.50), percentile(sorted, 0.99), oneComponentAt, maxList,
            config.capacity(), (System.nanoTime() - wallStart) / 1_000_000);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0 || sorted[0] < 0) {
            return -1;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    /** {mean std dev of hosts per class, mean distinct classes per list}. */
    double[] diversity(int n, int listCapacity, boolean asymmetric, double randomAcceptance, long seed) {
        Simulation sim = Simulation.builder().seed(seed).faults(Faults.lan()).hostsPerSubnet(HOSTS_PER_SUBNET).build();
        Map<SimNode, KnownHosts> lists = new HashMap<>();
        KnownHostsConfig config = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
            .withCapacity(listCapacity).withRandomAcceptance(randomAcceptance);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long storage = asymmetric ? new long[] {0, 10 * GIB, 500 * GIB}[i % 3] : 10 * GIB;
            nodes.add(sim.spawn(Limits.defaults(), (self, node) -> {
                KnownHosts hosts = new KnownHosts(config, () -> storage);
                lists.put(self, hosts);
                node.install(hosts);
                node.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            }));
            if (asymmetric && i == n / 2) {
                sim.runFor(Duration.ofMinutes(15)); // a second wave joins later: two uptime brackets
            }
        }
        sim.runFor(Duration.ofMinutes(asymmetric ? 15 : 30));
        Set<HostClass> allClasses = new HashSet<>();
        for (SimNode node : nodes) {
            for (KnownHost host : lists.get(node).hosts()) {
                allClasses.add(host.hostClass());
            }
        }
        double stdDevSum = 0;
        double classesSum = 0;
        for (SimNode node : nodes) {
            Map<HostClass, Integer> counts = new HashMap<>();
            for (KnownHost host : lists.get(node).hosts()) {
                counts.merge(host.hostClass(), 1, Integer::sum);
            }
            double mean = lists.get(node).hosts().size() / (double) allClasses.size();
            double variance = 0;
            for (HostClass hostClass : allClasses) {
                double d = counts.getOrDefault(hostClass, 0) - mean;
                variance += d * d;
            }
            stdDevSum += Math.sqrt(variance / allClasses.size());
            classesSum += counts.size();
        }
        return new double[] {stdDevSum / n, classesSum / n};
    }

    private static boolean connected(List<SimNode> nodes, Map<SimNode, KnownHosts> lists) {
        Map<PeerId, SimNode> byId = new HashMap<>();
        nodes.forEach(node -> byId.put(node.id(), node));
        return KnownHostGraph.connected(byId.keySet(),
            id -> lists.get(byId.get(id)).hosts().stream().map(host -> host.address().id()).toList());
    }
}
