package network.butter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import network.butter.persist.PcgConfig;
import network.butter.testbed.ChurnConfig;
import network.butter.testbed.ChurnResult;
import network.butter.testbed.Mode;
import network.butter.testbed.Testbed;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.LocalOnlyStorage;
import network.butter.testbed.protocol.PcgStorage;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The storage experiments of issue 5, the original report's two tables side by side with ours, on the testbed's
 * churn scenario:
 * <ol>
 *   <li><b>Retention vs churn</b>: 250 nodes, 100 items, 30 s churn, 2 s heartbeats, chanceToDie 1/50, 1/100,
 *       1/1000, 1/10000 per second, over several seeds.</li>
 *   <li><b>Heartbeat interval</b>: 100 nodes, 60 s churn at 1/50, heartbeats every 10, 5, 2, 1 s: maintenance
 *       messages and retention.</li>
 *   <li><b>Harsher churn</b>: 250 nodes at 1/10 per second, fixed r = 3 against adaptive replication.</li>
 * </ol>
 * Every run is simulated (and reproducible from its seed) unless {@code --real} adds the 250-node 1/50 run on
 * real loopback nodes. Prints the tables, writes CSV and PNG charts to {@code --out}, and ends with one SUMMARY
 * line. Run it with {@code scripts/pcg-experiments.sh}.
 */
@Command(name = "pcg-experiments.sh", sortOptions = false,
    description = "Peer Content Group retention and heartbeat experiments on the testbed.")
public final class PcgExperiments implements Callable<Integer> {

    private static final double[] CHANCES = {1 / 50.0, 1 / 100.0, 1 / 1000.0, 1 / 10000.0};
    private static final String[] CHANCE_LABELS = {"1/50", "1/100", "1/1000", "1/10000"};
    private static final double[] ORIGINAL_RETENTION = {74.8, 88.4, 98.4, 100.0};
    private static final long[] HEARTBEATS_S = {10, 5, 2, 1};
    private static final long[] ORIGINAL_MESSAGES = {600, 1200, 3000, 6000};
    private static final double[] ORIGINAL_SUCCESS = {58, 60, 72, 74};

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3,4,5", description = "Seeds (default ${DEFAULT-VALUE}).")
    private List<Long> seeds;

    @Option(names = "--tables", split = ",", defaultValue = "retention,heartbeat,harsh",
        description = "Which experiments: retention, heartbeat, harsh (default ${DEFAULT-VALUE}).")
    private List<String> tables;

    @Option(names = "--real", description = "Also run the 250-node, 1/50 retention case on real loopback nodes.")
    private boolean real;

    @Option(names = "--out", defaultValue = "pcg-experiments", description = "Directory for CSV and charts (default ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /** Runs the experiments and exits with picocli's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PcgExperiments()).execute(args));
    }

    /** Mean retention and traffic of one configuration over the seeds. */
    record Row(String label, double meanRetrievedPercent, double minRetrievedPercent, int retrieved, int stored,
               double meanMaintenance, double meanDeaths, double meanRetrievalRequestsPerItem) {
    }

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        List<String> summary = new ArrayList<>();
        StringBuilder csv = new StringBuilder("experiment,configuration,seeds,retrieved,stored,mean_retrieved_pct,"
            + "min_retrieved_pct,mean_maintenance_requests,mean_deaths,retrieval_requests_per_item\n");
        if (tables.contains("retention")) {
            System.out.printf(Locale.ROOT, "Retention: 250 nodes, 100 items of 1 KiB, 30 s churn, heartbeat 2 s, r = 3, %d seeds%n",
                seeds.size());
            header();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < CHANCES.length; i++) {
                ChurnConfig config = ChurnConfig.builder().nodes(250).items(100).chanceToDie(CHANCES[i])
                    .churn(Duration.ofSeconds(30)).build();
                Row row = run(CHANCE_LABELS[i], config, new PcgStorage(PcgConfig.defaults()));
                rows.add(row);
                print(row, String.format(Locale.ROOT, "%.1f %%", ORIGINAL_RETENTION[i]));
                csv.append(csvLine("retention", row));
            }
            Row baseline = run("1/50 local-only", ChurnConfig.builder().nodes(250).items(100).chanceToDie(CHANCES[0])
                .churn(Duration.ofSeconds(30)).build(), new LocalOnlyStorage());
            print(baseline, "(no replication)");
            csv.append(csvLine("retention", baseline));
            retentionChart(rows);
            summary.add(String.format(Locale.ROOT, "retention 1/50 %.2f%% 1/100 %.2f%% 1/1000 %.2f%% 1/10000 %.2f%%",
                rows.get(0).meanRetrievedPercent(), rows.get(1).meanRetrievedPercent(),
                rows.get(2).meanRetrievedPercent(), rows.get(3).meanRetrievedPercent()));
        }
        if (tables.contains("heartbeat")) {
            System.out.printf(Locale.ROOT, "%nHeartbeat interval: 100 nodes, 100 items, 60 s churn at 1/50, r = 3, %d seeds "
                + "(maintenance = requests on store, beat, trim and delete routes, whole run)%n", seeds.size());
            header();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < HEARTBEATS_S.length; i++) {
                ChurnConfig config = ChurnConfig.builder().nodes(100).items(100).chanceToDie(1 / 50.0)
                    .churn(Duration.ofSeconds(60)).build();
                Row row = run(HEARTBEATS_S[i] + " s", config,
                    new PcgStorage(PcgConfig.defaults().withHeartbeatIntervalMs(HEARTBEATS_S[i] * 1000)));
                rows.add(row);
                print(row, String.format(Locale.ROOT, "%d msgs, %.0f %%", ORIGINAL_MESSAGES[i], ORIGINAL_SUCCESS[i]));
                csv.append(csvLine("heartbeat", row));
            }
            heartbeatCharts(rows);
            StringBuilder line = new StringBuilder("heartbeat");
            for (Row row : rows) {
                line.append(String.format(Locale.ROOT, " %s %.0f msgs %.2f%%", row.label().replace(" ", ""),
                    row.meanMaintenance(), row.meanRetrievedPercent()));
            }
            summary.add(line.toString());
        }
        if (tables.contains("harsh")) {
            System.out.printf(Locale.ROOT, "%nHarsher churn: 250 nodes, 100 items, 30 s churn at 1/10 per second, heartbeat 2 s, %d seeds%n",
                seeds.size());
            header();
            ChurnConfig config = ChurnConfig.builder().nodes(250).items(100).chanceToDie(0.1)
                .churn(Duration.ofSeconds(30)).build();
            Row fixed = run("r = 3 fixed", config, new PcgStorage(PcgConfig.defaults().withFixedReplication(3)));
            print(fixed, "");
            Row adaptive = run("r = 3..6 adaptive", config,
                new PcgStorage(PcgConfig.defaults().withAdaptiveReplication(6, 1e-6)));
            print(adaptive, "");
            Row five = run("r = 5 fixed", config, new PcgStorage(PcgConfig.defaults().withFixedReplication(5)));
            print(five, "");
            csv.append(csvLine("harsh", fixed)).append(csvLine("harsh", adaptive)).append(csvLine("harsh", five));
            summary.add(String.format(Locale.ROOT, "harsh 1/10 fixed %.2f%% (%.0f msgs) adaptive %.2f%% (%.0f msgs) r5 %.2f%% (%.0f msgs)",
                fixed.meanRetrievedPercent(), fixed.meanMaintenance(), adaptive.meanRetrievedPercent(),
                adaptive.meanMaintenance(), five.meanRetrievedPercent(), five.meanMaintenance()));
        }
        if (real) {
            System.out.printf(Locale.ROOT, "%nReal nodes on 127.0.0.1: 250 nodes, 100 items, 30 s churn at 1/50, heartbeat 2 s%n");
            ChurnConfig config = ChurnConfig.builder().mode(Mode.REAL).nodes(250).items(100).chanceToDie(1 / 50.0)
                .churn(Duration.ofSeconds(30)).build();
            ChurnResult result = Testbed.runChurn(config, new PcgStorage(PcgConfig.defaults()), phase -> { });
            System.out.println(result.summaryLine());
            summary.add(String.format(Locale.ROOT, "real 1/50 %d/%d", result.retrieved(), result.itemsStored()));
        }
        Files.writeString(out.resolve("pcg-experiments.csv"), csv);
        System.out.println("csv and charts in " + out.toAbsolutePath());
        System.out.println("SUMMARY pcg-experiments seeds=" + seeds.size() + " | " + String.join(" | ", summary));
        return 0;
    }

    private Row run(String label, ChurnConfig base, DataProtocol protocol) {
        int retrieved = 0;
        int stored = 0;
        double min = 100;
        long maintenance = 0;
        long deaths = 0;
        long retrievalRequests = 0;
        for (long seed : seeds) {
            ChurnResult result = Testbed.runChurn(base.toBuilder().seed(seed).build(), protocol, phase -> { });
            retrieved += result.retrieved();
            stored += result.itemsStored();
            min = Math.min(min, result.retrievedPercent());
            maintenance += result.maintenanceRequests();
            deaths += result.deaths();
            retrievalRequests += result.retrievalRequests();
        }
        int n = seeds.size();
        return new Row(label, 100.0 * retrieved / stored, min, retrieved, stored, (double) maintenance / n,
            (double) deaths / n, (double) retrievalRequests / stored);
    }

    private static void header() {
        System.out.printf(Locale.ROOT, "%-20s %12s %10s %10s %14s %8s %12s   %s%n", "configuration", "retrieved",
            "mean", "worst", "maintenance", "deaths", "reads/item", "original");
    }

    private static void print(Row row, String original) {
        System.out.printf(Locale.ROOT, "%-20s %5d/%-6d %9.2f%% %9.2f%% %14.0f %8.1f %12.1f   %s%n", row.label(),
            row.retrieved(), row.stored(), row.meanRetrievedPercent(), row.minRetrievedPercent(), row.meanMaintenance(),
            row.meanDeaths(), row.meanRetrievalRequestsPerItem(), original);
    }

    private String csvLine(String experiment, Row row) {
        return String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%.3f,%.1f,%.1f,%.2f%n", experiment, row.label(),
            seeds.size(), row.retrieved(), row.stored(), row.meanRetrievedPercent(), row.minRetrievedPercent(),
            row.meanMaintenance(), row.meanDeaths(), row.meanRetrievalRequestsPerItem());
    }

    private void retentionChart(List<Row> rows) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < rows.size(); i++) {
            data.addValue(ORIGINAL_RETENTION[i], "original Butter", CHANCE_LABELS[i]);
            data.addValue(rows.get(i).meanRetrievedPercent(), "Butter for Java (PCG, r = 3)", CHANCE_LABELS[i]);
        }
        save("retention.png", ChartFactory.createBarChart("Items retrieved after 30 s of churn (250 nodes)",
            "chance to die per second", "% retrieved", data, PlotOrientation.VERTICAL, true, false, false));
    }

    private void heartbeatCharts(List<Row> rows) throws IOException {
        DefaultCategoryDataset messages = new DefaultCategoryDataset();
        DefaultCategoryDataset success = new DefaultCategoryDataset();
        for (int i = 0; i < rows.size(); i++) {
            String interval = rows.get(i).label();
            messages.addValue(ORIGINAL_MESSAGES[i], "original Butter", interval);
            messages.addValue(rows.get(i).meanMaintenance(), "Butter for Java (maintenance requests)", interval);
            success.addValue(ORIGINAL_SUCCESS[i], "original Butter", interval);
            success.addValue(rows.get(i).meanRetrievedPercent(), "Butter for Java", interval);
        }
        save("heartbeat-messages.png", ChartFactory.createBarChart("Messages to keep 100 items alive (100 nodes, 60 s churn at 1/50)",
            "heartbeat interval", "messages", messages, PlotOrientation.VERTICAL, true, false, false));
        save("heartbeat-success.png", ChartFactory.createBarChart("Items retrieved (100 nodes, 60 s churn at 1/50)",
            "heartbeat interval", "% retrieved", success, PlotOrientation.VERTICAL, true, false, false));
    }

    private void save(String name, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(out.resolve(name).toFile(), chart, 900, 500);
    }
}
