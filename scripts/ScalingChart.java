import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the scaling curves of docs/EXPERIMENTS.md ("Scaling curves in the simulator") as one PNG, so the table's
 * points can be read as curves: how retention, retrieval, messages per query and upkeep grow with the network.
 * Three panels share a logarithmic x axis (simulated nodes): retention and retrieval in per cent, messages per
 * query, upkeep messages (requests and answers) per node per second; one line per experiment shape. Run with the
 * testbed's jar on the class path (it carries JFreeChart), as {@code scripts/scaling-chart.sh} does:
 * {@code java -cp butter.jar scripts/ScalingChart.java ROWS.csv OUT.png}. ROWS.csv has a header line and the
 * columns {@code code,shape,nodes,retention_pct,retrieved_pct,msgs_per_query,upkeep_msgs_per_node_s}; rows of one
 * code and shape form one line ({@code code} tells runs of different code apart, e.g. before and after a change).
 */
public final class ScalingChart {

    /** Chart size, in pixels. */
    private static final int WIDTH_PX = 900;
    private static final int HEIGHT_PX = 900;

    /** Line colours, one per (code, shape), in the order the rows first name them. */
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private ScalingChart() {
    }

    /** @param args the rows' CSV file and the PNG to write */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ScalingChart ROWS.csv OUT.png");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Map<String, List<String[]>> lines = readLines(Path.of(args[0]));
        XYSeriesCollection retention = new XYSeriesCollection();
        XYSeriesCollection perQuery = new XYSeriesCollection();
        XYSeriesCollection upkeep = new XYSeriesCollection();
        for (Map.Entry<String, List<String[]>> line : lines.entrySet()) {
            XYSeries kept = new XYSeries("retention, " + line.getKey());
            XYSeries found = new XYSeries("retrieved, " + line.getKey());
            XYSeries messages = new XYSeries(line.getKey());
            XYSeries cost = new XYSeries(line.getKey());
            for (String[] row : line.getValue()) {
                double nodes = Double.parseDouble(row[2]);
                kept.add(nodes, Double.parseDouble(row[3]));
                found.add(nodes, Double.parseDouble(row[4]));
                messages.add(nodes, Double.parseDouble(row[5]));
                cost.add(nodes, Double.parseDouble(row[6]));
            }
            retention.addSeries(kept);
            retention.addSeries(found);
            perQuery.addSeries(messages);
            upkeep.addSeries(cost);
        }
        LogAxis nodesAxis = new LogAxis("simulated nodes (log scale)");
        nodesAxis.setBase(10);
        nodesAxis.setSmallestValue(50);
        nodesAxis.setTickUnit(new NumberTickUnit(1), false, true);
        nodesAxis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(nodesAxis);
        plot.setGap(12);
        NumberAxis percent = new NumberAxis("retention, retrieved (%)");
        percent.setRange(0, 105);
        plot.add(panel(retention, percent, 2, true), 1);
        plot.add(panel(perQuery, zeroBased("messages per query"), 1, false), 1);
        plot.add(panel(upkeep, zeroBased("upkeep msgs/node/s"), 1, false), 1);
        JFreeChart chart = new JFreeChart("Scaling curves in the simulator (seed 1)", JFreeChart.DEFAULT_TITLE_FONT,
            plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(new File(args[1]), chart, WIDTH_PX, HEIGHT_PX);
    }

    /** The rows grouped by "code, shape", in the order they first appear. */
    private static Map<String, List<String[]>> readLines(Path csv) throws IOException {
        Map<String, List<String[]>> lines = new LinkedHashMap<>();
        List<String> text = Files.readAllLines(csv);
        for (String row : text.subList(1, text.size())) {
            if (row.isBlank()) {
                continue;
            }
            String[] fields = row.split(",");
            if (fields.length != 7) {
                throw new IllegalArgumentException("expected 7 columns, got " + fields.length + ": " + row);
            }
            lines.computeIfAbsent(fields[0] + ", " + fields[1], key -> new ArrayList<>()).add(fields);
        }
        return lines;
    }

    private static NumberAxis zeroBased(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        return axis;
    }

    /**
     * One panel: each (code, shape) one colour with points; where a line has {@code seriesPerLine} series (retention
     * and retrieval), the second is dashed. Only the first panel fills the legend (the colours name the same lines
     * in every panel).
     */
    private static XYPlot panel(XYSeriesCollection data, NumberAxis axis, int seriesPerLine, boolean inLegend) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setAutoPopulateSeriesShape(false);
        for (int series = 0; series < data.getSeriesCount(); series++) {
            renderer.setSeriesVisibleInLegend(series, inLegend);
            renderer.setSeriesPaint(series, COLOURS[series / seriesPerLine % COLOURS.length]);
            renderer.setSeriesStroke(series, series % seriesPerLine == 0 ? new BasicStroke(2f)
                : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
