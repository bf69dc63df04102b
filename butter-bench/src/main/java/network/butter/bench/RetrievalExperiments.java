package network.butter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerAddress;
import network.butter.node.ButterNode;
import network.butter.persist.GetOptions;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.retrieve.SearchStrategy;
import network.butter.sim.Simulation;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import network.butter.testbed.Cluster;
import network.butter.testbed.ClusterNode;
import network.butter.testbed.Mode;
import network.butter.testbed.RealCluster;
import network.butter.testbed.SimCluster;
import network.butter.testbed.protocol.Joiner;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The retrieval experiment of issue 6, the original report's "100 nodes, 10 queries" and its scaled-up version:
 * a network of nodes running known hosts, Peer Content Groups and {@link Retrieval} forms, items are stored from
 * random nodes, summaries settle, then each strategy (BFS, random BFS, informed) reads every item from a random
 * node that does not hold it. Per strategy it reports the share found (content verified), requests per query on
 * the search routes (network-wide, floods included) plus the reader's fetches during its read (the fetch route also
 * carries storage audits, which are upkeep, not search; each request has exactly one reply, so messages are twice
 * the requests), and the median and 99th-percentile latency of the reads.
 *
 * <p>Simulated runs are reproducible from their seed; {@code --modes real} runs real TLS nodes on 127.0.0.1 in
 * this JVM. Prints a table per mode, writes a CSV and charts, and ends with one SUMMARY line. Run it with
 * {@code scripts/retrieval-experiments.sh}.
 */
@Command(name = "retrieval-experiments.sh", sortOptions = false,
    description = "Search strategies: found, messages and latency per query.")
public final class RetrievalExperiments implements Callable<Integer> {

    /** Routes only searches use: counted network-wide, floods' tails included. */
    private static final List<String> SEARCH_ROUTES = List.of(Retrieval.QUERY_ROUTE, Retrieval.HIT_ROUTE);
    /**
     * The fetch route, which storage upkeep uses too (members' audit reads, claims): only the reader's fetches between
     * the start and the end of its read count, or the audits of a hundred nodes during each read's quiet time would
     * pass for search cost.
     */
    private static final List<String> FETCH_ROUTES = List.of(PeerContentGroups.FETCH_ROUTE);
    private static final List<String> SUMMARY_ROUTES = List.of(Retrieval.SUBSCRIBE_ROUTE, Retrieval.SUMMARY_ROUTE);
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final int BOOTSTRAP_PEERS = 8;
    private static final int ITEM_BYTES = 1024;
    private static final int STORE_ATTEMPTS = 3;

    @Option(names = "--modes", split = ",", defaultValue = "sim", description = "sim and/or real (default ${DEFAULT-VALUE}).")
    private List<String> modes;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3,4,5", description = "Seeds (default ${DEFAULT-VALUE}).")
    private List<Long> seeds;

    @Option(names = "--nodes", defaultValue = "100", description = "Nodes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--items", defaultValue = "10", description = "Items stored, each read once per strategy (default ${DEFAULT-VALUE}).")
    private int items;

    @Option(names = "--window", defaultValue = "1",
        description = "Reads in flight at once; 1 measures each read alone (default ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--flood-queries", defaultValue = "0",
        description = "Reads per flooding strategy (bfs, rbfs), which cost thousands of messages each in large "
            + "networks; 0 reads every item (default ${DEFAULT-VALUE}).")
    private int floodQueries;

    @Option(names = "--strategies", split = ",", defaultValue = "bfs,rbfs,informed",
        description = "Strategies to compare (default ${DEFAULT-VALUE}).")
    private List<String> strategies;

    @Option(names = "--bfs-ttl", defaultValue = "3", description = "BFS TTL (default ${DEFAULT-VALUE}).")
    private int bfsTtl;

    @Option(names = "--rbfs-ttl", defaultValue = "3", description = "Random BFS TTL (default ${DEFAULT-VALUE}).")
    private int rbfsTtl;

    @Option(names = "--rbfs-fraction", defaultValue = "0.5", description = "Random BFS fraction (default ${DEFAULT-VALUE}).")
    private double rbfsFraction;

    @Option(names = "--informed-ttl", defaultValue = "10", description = "Informed walkers' TTL (default ${DEFAULT-VALUE}).")
    private int informedTtl;

    @Option(names = "--walkers", defaultValue = "2", description = "Informed walkers (default ${DEFAULT-VALUE}).")
    private int walkers;

    @Option(names = "--settle", defaultValue = "20", description = "Seconds between storing and reading (default ${DEFAULT-VALUE}).")
    private int settleSeconds;

    @Option(names = "--known-hosts", defaultValue = "0",
        description = "Sim only: known hosts per node; 0 keeps the default for the memory budget (default ${DEFAULT-VALUE}).")
    private int knownHosts;

    @Option(names = "--upkeep", defaultValue = "60",
        description = "Seconds after the reads over which the summaries' steady upkeep is measured (default ${DEFAULT-VALUE}).")
    private int upkeepSeconds;

    @Option(names = "--out", defaultValue = "retrieval-experiments", description = "Directory for CSV and charts (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the experiment and exits with picocli's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RetrievalExperiments()).execute(args));
    }

    /** What a node of the experiment runs. */
    private record Peer(Node node, PeerContentGroups storage, Joiner joiner) {
    }

    /** One strategy's reads in one run. */
    record Reads(String strategy, int found, int queries, long requests, long[] latenciesMs) {
    }

    /** One strategy's figures over every run of a mode. */
    record Row(String mode, String strategy, int found, int queries, double requestsPerQuery, double medianMs,
               double p99Ms) {
        double foundPercent() {
            return 100.0 * found / queries;
        }
    }

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        List<Row> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        StringBuilder csv = new StringBuilder("mode,strategy,nodes,seeds,found,queries,found_pct,requests_per_query,"
            + "messages_per_query,median_ms,p99_ms\n");
        for (String modeName : modes) {
            Mode mode = Mode.parse(modeName);
            System.out.printf(Locale.ROOT, "%n%s: %d nodes, %d items of %d bytes read once per strategy, seeds %s, "
                + "%d read(s) in flight%n", mode.label(), nodes, items, ITEM_BYTES, seeds, window);
            List<List<Reads>> perSeed = new ArrayList<>();
            long summaryRequests = 0;
            double summaryMinutes = 0;
            for (long seed : seeds) {
                Run run = new Run(mode, seed);
                perSeed.add(run.execute());
                summaryRequests += run.summaryRequests;
                summaryMinutes += run.minutes;
            }
            System.out.printf(Locale.ROOT, "%-10s %10s %9s %14s %14s %10s %10s%n", "strategy", "found", "found %",
                "requests/query", "messages/query", "median ms", "p99 ms");
            for (int s = 0; s < strategies.size(); s++) {
                Row row = aggregate(mode.label(), s, perSeed);
                rows.add(row);
                System.out.printf(Locale.ROOT, "%-10s %5d/%-4d %8.2f%% %14.1f %14.1f %10.1f %10.1f%n", row.strategy(),
                    row.found(), row.queries(), row.foundPercent(), row.requestsPerQuery(), 2 * row.requestsPerQuery(),
                    row.medianMs(), row.p99Ms());
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%.3f,%.2f,%.2f,%.2f,%.2f%n", row.mode(),
                    row.strategy(), nodes, seeds.size(), row.found(), row.queries(), row.foundPercent(),
                    row.requestsPerQuery(), 2 * row.requestsPerQuery(), row.medianMs(), row.p99Ms()));
                summary.add(String.format(Locale.ROOT, "%s %s found=%.2f%% msgs/query=%.1f median=%.1fms p99=%.1fms",
                    mode.label(), row.strategy(), row.foundPercent(), 2 * row.requestsPerQuery(), row.medianMs(),
                    row.p99Ms()));
            }
            System.out.printf(Locale.ROOT, "summary upkeep, after the reads: %.2f requests per node per minute "
                + "(subscribe + summary)%n", summaryRequests / (summaryMinutes * nodes));
        }
        Files.writeString(out.resolve("retrieval-" + nodes + ".csv"), csv);
        chart(rows);
        System.out.println("csv and charts in " + out.toAbsolutePath());
        System.out.println("SUMMARY retrieval-experiments nodes=" + nodes + " items=" + items + " seeds=" + seeds.size()
            + " | " + String.join(" | ", summary));
        return 0;
    }

    private Row aggregate(String mode, int strategyIndex, List<List<Reads>> perSeed) {
        int found = 0;
        int queries = 0;
        long requests = 0;
        List<Long> latencies = new ArrayList<>();
        for (List<Reads> run : perSeed) {
            Reads reads = run.get(strategyIndex);
            found += reads.found();
            queries += reads.queries();
            requests += reads.requests();
            Arrays.stream(reads.latenciesMs()).forEach(latencies::add);
        }
        latencies.sort(null);
        return new Row(mode, strategies.get(strategyIndex), found, queries, (double) requests / queries,
            percentile(latencies, 0.5), percentile(latencies, 0.99));
    }

    private static double percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private SearchStrategy strategy(String name) {
        return switch (name) {
            case "bfs" -> SearchStrategy.bfs(bfsTtl);
            case "rbfs" -> SearchStrategy.randomBfs(rbfsTtl, rbfsFraction);
            case "informed" -> SearchStrategy.informed(informedTtl, walkers);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                "unknown strategy '" + name + "' (bfs, rbfs, informed)");
        };
    }

    /** One network: formed, filled, then read by every strategy. */
    private final class Run {
        private final Mode mode;
        private final long seed;
        private final SplittableRandom random;
        private final long startedNanos = System.nanoTime();
        private long summaryRequests;
        private double minutes;

        Run(Mode mode, long seed) {
            this.mode = mode;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        List<Reads> execute() {
            try (Cluster<Peer> cluster = cluster()) {
                List<ClusterNode<Peer>> all = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    all.add(cluster.spawn());
                }
                List<CompletableFuture<Void>> joins = new ArrayList<>();
                for (ClusterNode<Peer> node : all) {
                    List<PeerAddress> peers = new ArrayList<>();
                    for (int i = 0; i < BOOTSTRAP_PEERS; i++) {
                        ClusterNode<Peer> other = all.get(random.nextInt(all.size()));
                        if (other != node) {
                            peers.add(other.address());
                        }
                    }
                    joins.add(node.app().joiner().join(peers));
                }
                cluster.await(CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0])), JOIN_LIMIT);
                cluster.advance(Duration.ofSeconds(10));
                progress("formed");
                List<ContentId> stored = store(cluster, all);
                cluster.advance(Duration.ofSeconds(settleSeconds));
                progress("stored " + stored.size() + " items and settled");
                List<Reads> results = new ArrayList<>();
                for (String name : strategies) {
                    boolean flood = !name.equals("informed");
                    List<ContentId> reads = flood && floodQueries > 0 && floodQueries < stored.size()
                        ? stored.subList(0, floodQueries) : stored;
                    Reads done = read(cluster, all, reads, strategy(name));
                    results.add(done);
                    progress(describe(List.of(done)));
                }
                long upkeepBefore = routeRequests(all, SUMMARY_ROUTES);
                cluster.advance(Duration.ofSeconds(upkeepSeconds));
                summaryRequests = routeRequests(all, SUMMARY_ROUTES) - upkeepBefore;
                minutes = upkeepSeconds / 60.0;
                System.out.printf(Locale.ROOT, "  %s seed %d: %d items stored; %s%n", mode.label(), seed, stored.size(),
                    describe(results));
                return results;
            }
        }

        private void progress(String what) {
            System.out.printf(Locale.ROOT, "  [%s seed %d, %.0f s wall] %s%n", mode.label(), seed,
                (System.nanoTime() - startedNanos) / 1e9, what);
        }

        private Cluster<Peer> cluster() {
            if (mode == Mode.SIM) {
                KnownHostsConfig defaults = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES,
                    Limits.defaults().maxConnections());
                KnownHostsConfig hosts = knownHosts > 0 ? defaults.withCapacity(knownHosts) : defaults;
                return new SimCluster<>(Simulation.builder().seed(seed).build(), node -> install(node, hosts));
            }
            return new RealCluster<>(RealCluster.testbedLimits(nodes), node -> install(node, null));
        }

        private Peer install(Node node, KnownHostsConfig simHosts) {
            if (!(node instanceof ButterNode)) {
                node.install(new KnownHosts(simHosts, () -> 0L));
            }
            Joiner joiner = new Joiner();
            node.install(joiner);
            PeerContentGroups storage = new PeerContentGroups(PcgConfig.defaults(), new MemoryChunkStore(64L << 20));
            node.install(new Retrieval(RetrievalConfig.defaults(), storage));
            node.install(storage);
            return new Peer(node, storage, joiner);
        }

        /**
         * What each stored id must read back as: an id names the stored block (owner stamp included), not the raw
         * bytes, so a read is checked against the bytes put.
         */
        private final Map<ContentId, byte[]> contents = new HashMap<>();

        private List<ContentId> store(Cluster<Peer> cluster, List<ClusterNode<Peer>> all) {
            List<ContentId> stored = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                byte[] item = new byte[ITEM_BYTES];
                random.nextBytes(item);
                for (int attempt = 1; attempt <= STORE_ATTEMPTS; attempt++) {
                    ClusterNode<Peer> storer = all.get(random.nextInt(all.size()));
                    try {
                        ContentId id = cluster.await(storer.app().storage().put(item), READ_LIMIT);
                        stored.add(id);
                        contents.put(id, item);
                        break;
                    } catch (RuntimeException failed) {
                        System.out.printf(Locale.ROOT, "  item %d not stored (attempt %d): %s%n", i, attempt,
                            failed.getMessage());
                    }
                }
            }
            return stored;
        }

        private Reads read(Cluster<Peer> cluster, List<ClusterNode<Peer>> all, List<ContentId> stored,
                           SearchStrategy strategy) {
            long before = routeRequests(all, SEARCH_ROUTES);
            AtomicLong readerFetches = new AtomicLong();
            long[] latencies = new long[stored.size()];
            int found = 0;
            for (int from = 0; from < stored.size(); from += window) {
                int to = Math.min(stored.size(), from + window);
                List<CompletableFuture<Optional<byte[]>>> pending = new ArrayList<>();
                long[] started = new long[to - from];
                long[] finished = new long[to - from];
                for (int i = from; i < to; i++) {
                    ContentId id = stored.get(i);
                    ClusterNode<Peer> reader = readerFor(all, id);
                    started[i - from] = cluster.nowMs();
                    int slot = i - from;
                    long fetchesBefore = routeRequests(List.of(reader), FETCH_ROUTES);
                    pending.add(reader.app().storage().get(id, GetOptions.defaults().withStrategy(strategy))
                        .handle((bytes, error) -> {
                            finished[slot] = cluster.nowMs();
                            readerFetches.addAndGet(routeRequests(List.of(reader), FETCH_ROUTES) - fetchesBefore);
                            return error == null && Arrays.equals(contents.get(id), bytes) ? Optional.of(bytes) : Optional.<byte[]>empty();
                        }));
                }
                for (int i = from; i < to; i++) {
                    Optional<byte[]> read;
                    try {
                        read = cluster.await(pending.get(i - from), READ_LIMIT);
                    } catch (RuntimeException late) {
                        read = Optional.empty();
                        finished[i - from] = cluster.nowMs();
                    }
                    if (read.isPresent()) {
                        found++;
                    }
                    latencies[i] = finished[i - from] - started[i - from];
                }
                cluster.advance(QUIET);
            }
            return new Reads(strategy.name(), found, stored.size(), routeRequests(all, SEARCH_ROUTES) - before + readerFetches.get(),
                latencies);
        }

        /** A random node that holds no copy of the block, so the read has to search. */
        private ClusterNode<Peer> readerFor(List<ClusterNode<Peer>> all, ContentId id) {
            for (int attempt = 0; attempt < 100; attempt++) {
                ClusterNode<Peer> candidate = all.get(random.nextInt(all.size()));
                if (!candidate.app().storage().holds(id)) {
                    return candidate;
                }
            }
            throw new IllegalStateException("every node seems to hold " + id);
        }
    }

    private static long routeRequests(List<ClusterNode<Peer>> nodes, List<String> routes) {
        long total = 0;
        for (ClusterNode<Peer> node : nodes) {
            var byRoute = node.stats().requestsSentByRoute();
            for (String route : routes) {
                total += byRoute.getOrDefault(route, 0L);
            }
        }
        return total;
    }

    private static String describe(List<Reads> results) {
        List<String> parts = new ArrayList<>();
        for (Reads reads : results) {
            parts.add(String.format(Locale.ROOT, "%s %d/%d found, %.1f requests/query", reads.strategy(), reads.found(),
                reads.queries(), (double) reads.requests() / Math.max(1, reads.queries())));
        }
        return String.join(", ", parts);
    }

    private void chart(List<Row> rows) throws IOException {
        DefaultCategoryDataset messages = new DefaultCategoryDataset();
        DefaultCategoryDataset found = new DefaultCategoryDataset();
        for (Row row : rows) {
            messages.addValue(2 * row.requestsPerQuery(), row.mode(), row.strategy());
            found.addValue(row.foundPercent(), row.mode(), row.strategy());
        }
        JFreeChart messageChart = ChartFactory.createBarChart("Messages per query, " + nodes + " nodes", "strategy",
            "messages per query (requests + replies)", messages, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(out.resolve("retrieval-" + nodes + "-messages.png").toFile(), messageChart, 640, 400);
        JFreeChart foundChart = ChartFactory.createBarChart("Items found, " + nodes + " nodes", "strategy",
            "found (%)", found, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(out.resolve("retrieval-" + nodes + "-found.png").toFile(), foundChart, 640, 400);
    }
}
