package network.butter.testbed;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import network.butter.api.RouteTraffic;
import network.butter.testbed.protocol.NodeState;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes a churn run's time series as CSV and draws it as a PNG chart, so that a run can be plotted,
 * compared and published without rerunning it.
 *
 * <p>CSV columns: {@code t_s} (cluster seconds), {@code phase}, {@code alive}, {@code deaths},
 * {@code availability} (0 to 1; empty before items are stored), {@code requests_sent}, {@code replies_sent},
 * {@code bytes_sent}, then {@code messages:<protocol>} and {@code bytes:<protocol>} per protocol (route prefix,
 * e.g. {@code butter/hosts}: requests and answers of its routes), then one {@code requests:<route>} column per route
 * seen in the run; each a running total over all nodes, alive and dead, counted once at the sender; in runs with
 * malicious nodes, then the honest nodes' largest state; in runs with nodes behind NATs, then the connections opened
 * by path (see {@link #csv(List, List, boolean)}).
 */
public final class TestbedReport {

    /** Chart size, in pixels. */
    static final int CHART_WIDTH = 1000;
    static final int CHART_HEIGHT = 560;

    static {
        // Charts are drawn off-screen: never ask for a display, also on a desktop.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // Encode in memory: ImageIO's default cache is a temporary file deleted on exit, which cannot be made while
        // the JVM shuts down, and a run stopped by a signal still writes its chart then.
        ImageIO.setUseCache(false);
    }

    private TestbedReport() {
    }

    /**
     * Where a run's files went.
     *
     * @param csv   the time series
     * @param chart the chart
     */
    public record Outputs(Path csv, Path chart) {
    }

    /**
     * Writes {@code churn-<mode>.csv} and {@code churn-<mode>.png} into {@code directory}, creating it if needed
     * and replacing earlier files of the same mode.
     */
    public static Outputs write(ChurnResult result, Path directory) throws IOException {
        Files.createDirectories(directory);
        String base = "churn-" + result.config().mode().label();
        Path csv = directory.resolve(base + ".csv");
        Path chart = directory.resolve(base + ".png");
        writeCsv(result, csv);
        writeChart(result, chart);
        return new Outputs(csv, chart);
    }

    /** Writes the time series as CSV (see the class comment for the columns). */
    public static void writeCsv(ChurnResult result, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(csv(result.samples(), result.attack().honestBySample(), result.config().nat().active()));
        }
    }

    /** The time series as CSV text, one line per sample after the header. */
    static String csv(List<Sample> samples) {
        return csv(samples, List.of(), false);
    }

    /**
     * The time series as CSV text; with {@code honest} figures (runs with malicious nodes, one per sample) four
     * more columns: the largest {@code honest_stored_bytes}, {@code honest_groups} and {@code honest_tombstones} of
     * any honest node, and {@code honest_capacity_bytes}, the budget they compare with; {@code withPaths} (runs with
     * nodes behind NATs) five more: {@code reachable} (nodes alive that a node outside every home LAN could reach at
     * the address they give), connections opened so far by path, {@code connections_direct},
     * {@code connections_punched}, {@code connections_relayed}, and {@code relayed_bytes}.
     */
    static String csv(List<Sample> samples, List<NodeState> honest, boolean withPaths) {
        boolean withHonest = !honest.isEmpty();
        Set<String> routes = new TreeSet<>();
        Set<String> protocols = new TreeSet<>();
        for (Sample sample : samples) {
            routes.addAll(sample.requestsByRoute().keySet());
            protocols.addAll(sample.trafficByProtocol().keySet());
        }
        StringBuilder text = new StringBuilder("t_s,phase,alive,deaths,availability,requests_sent,replies_sent,bytes_sent");
        for (String protocol : protocols) {
            text.append(",messages:").append(protocol).append(",bytes:").append(protocol);
        }
        for (String route : routes) {
            text.append(",requests:").append(route);
        }
        if (withHonest) {
            text.append(",honest_stored_bytes,honest_capacity_bytes,honest_groups,honest_tombstones");
        }
        if (withPaths) {
            text.append(",reachable,connections_direct,connections_punched,connections_relayed,relayed_bytes");
        }
        text.append('\n');
        for (int index = 0; index < samples.size(); index++) {
            Sample sample = samples.get(index);
            String availability = Double.isNaN(sample.availability())
                ? "" : String.format(Locale.ROOT, "%.4f", sample.availability());
            text.append(String.format(Locale.ROOT, "%.3f,%s,%d,%d,%s,%d,%d,%d", sample.timeMs() / 1000.0,
                sample.phase(), sample.alive(), sample.deaths(), availability, sample.requestsSent(),
                sample.repliesSent(), sample.bytesSent()));
            Map<String, RouteTraffic> byProtocol = sample.trafficByProtocol();
            for (String protocol : protocols) {
                RouteTraffic traffic = byProtocol.getOrDefault(protocol, RouteTraffic.NONE);
                text.append(',').append(traffic.messages()).append(',').append(traffic.bytes());
            }
            Map<String, Long> requests = sample.requestsByRoute();
            for (String route : routes) {
                text.append(',').append(requests.getOrDefault(route, 0L));
            }
            if (withHonest) {
                NodeState state = index < honest.size() ? honest.get(index) : NodeState.EMPTY;
                text.append(',').append(state.storedBytes()).append(',').append(state.capacityBytes())
                    .append(',').append(state.blocksHeld()).append(',').append(state.tombstones());
            }
            if (withPaths) {
                PathCounts paths = sample.paths();
                text.append(',').append(sample.reachable()).append(',').append(paths.direct()).append(',').append(paths.punched()).append(',')
                    .append(paths.relayed()).append(',').append(paths.relayedBytes());
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Draws alive nodes and deaths (left axis) and item availability (right axis, percent) over time, as a PNG. */
    public static void writeChart(ChurnResult result, Path file) throws IOException {
        XYSeries alive = new XYSeries("alive nodes");
        XYSeries deaths = new XYSeries("deaths so far");
        XYSeries availability = new XYSeries("item availability (%)");
        for (Sample sample : result.samples()) {
            double seconds = sample.timeMs() / 1000.0;
            alive.add(seconds, sample.alive());
            deaths.add(seconds, sample.deaths());
            if (!Double.isNaN(sample.availability())) {
                availability.add(seconds, 100 * sample.availability());
            }
        }
        XYSeriesCollection nodes = new XYSeriesCollection(alive);
        nodes.addSeries(deaths);
        JFreeChart chart = ChartFactory.createXYLineChart(title(result), "time (s)", "nodes", nodes,
            PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer nodeLines = line(new Color(0x1f77b4));
        nodeLines.setSeriesPaint(1, Color.GRAY);
        nodeLines.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f));
        plot.setRenderer(0, nodeLines);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        NumberAxis percent = new NumberAxis("item availability (%)");
        percent.setRange(0, 105);
        plot.setRangeAxis(1, percent);
        plot.setDataset(1, new XYSeriesCollection(availability));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, line(new Color(0xd62728)));
        ChartUtils.saveChartAsPNG(file.toFile(), chart, CHART_WIDTH, CHART_HEIGHT);
    }

    private static XYLineAndShapeRenderer line(Color color) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, color);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        return renderer;
    }

    private static String title(ChurnResult result) {
        ChurnConfig config = result.config();
        return String.format(Locale.ROOT, "Churn (%s, %s): n=%d, chanceToDie=%s/s, seed=%d: retrieved %d/%d (%.1f%%)",
            config.mode().label(), result.protocol(), config.nodes(), ChurnConfig.decimal(config.chanceToDie()),
            config.seed(), result.retrieved(), result.itemsStored(), result.retrievedPercent());
    }
}
