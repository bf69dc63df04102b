package network.butter.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Collects the runs of one benchmark invocation and turns them into the report: one row per run as it
 * finishes, then the median per system and concurrency, the Butter/baseline ratios, and a single
 * {@code SUMMARY} line meant to be pasted into notes and compared across commits.
 */
final class BenchReport {

    /** Name of the system under test in the report. */
    static final String BUTTER = "butter";
    /** Name of the baseline in the report. */
    static final String BASELINE = "netty";

    private static final String RUN_FORMAT = "%5s  %-6s  %5s  %10s  %10s  %8s  %8s  %10s  %6s%n";

    private final BenchOptions options;
    private final List<RunResult> runs = new ArrayList<>();

    BenchReport(BenchOptions options) {
        this.options = options;
    }

    /** The median of one system at one concurrency over all rounds; each figure is its own median. */
    record Median(double requestsPerSecond, double p50Micros, double p99Micros, double cpuMicrosPerRequest,
                  long errors) {
    }

    void add(RunResult run) {
        runs.add(run);
    }

    List<RunResult> runs() {
        return List.copyOf(runs);
    }

    /** What was measured and where, so figures are never quoted without their conditions. */
    String header() {
        return String.format(Locale.ROOT,
            "request/response on loopback, TLS 1.3, payload %d B, warm-up %d ms + measure %d ms per run, %d round(s),"
                + " concurrency %s, %s, Butter %s%nJava %s (%s), %d CPUs, %s %s",
            options.payloadBytes(), options.warmupMs(), options.measureMs(), options.rounds(), options.concurrencies(),
            background(), options.virtualThreads() ? "on virtual threads (handle, request)"
                : "on the event loops (handleOnLoop, requestOnLoop)",
            System.getProperty("java.version"), System.getProperty("java.vm.name"),
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** The column titles for {@link #row(RunResult)}. */
    static String runHeader() {
        return String.format(Locale.ROOT, RUN_FORMAT, "round", "system", "conc", "requests", "req/s", "p50 us",
            "p99 us", "cpu us/req", "errors").stripTrailing();
    }

    /** One finished run as a table row. */
    static String row(RunResult run) {
        return String.format(Locale.ROOT, RUN_FORMAT, run.round(), run.system(), run.concurrency(), run.requests(),
            String.format(Locale.ROOT, "%.0f", run.requestsPerSecond()), run.p50Micros(), run.p99Micros(),
            String.format(Locale.ROOT, "%.2f", run.cpuMicrosPerRequest()), run.errors()).stripTrailing();
    }

    /** The median of {@code system} at {@code concurrency} over the rounds recorded. */
    Median median(String system, int concurrency) {
        List<RunResult> matching = runs.stream()
            .filter(run -> run.system().equals(system) && run.concurrency() == concurrency)
            .toList();
        if (matching.isEmpty()) {
            throw new IllegalStateException("no run of " + system + " at concurrency " + concurrency);
        }
        return new Median(
            median(matching.stream().mapToDouble(RunResult::requestsPerSecond).toArray()),
            median(matching.stream().mapToDouble(RunResult::p50Micros).toArray()),
            median(matching.stream().mapToDouble(RunResult::p99Micros).toArray()),
            median(matching.stream().mapToDouble(RunResult::cpuMicrosPerRequest).toArray()),
            matching.stream().mapToLong(RunResult::errors).sum());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Prints the medians, the ratios and the summary line. */
    void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "%nmedian of %d round(s)%n", options.rounds());
        out.println(String.format(Locale.ROOT, "%-6s  %5s  %10s  %8s  %8s  %10s  %6s", "system", "conc", "req/s",
            "p50 us", "p99 us", "cpu us/req", "errors"));
        for (int c : options.concurrencies()) {
            for (String system : List.of(BASELINE, BUTTER)) {
                Median m = median(system, c);
                out.println(String.format(Locale.ROOT, "%-6s  %5d  %10.0f  %8.0f  %8.0f  %10.2f  %6d", system, c,
                    m.requestsPerSecond(), m.p50Micros(), m.p99Micros(), m.cpuMicrosPerRequest(), m.errors()));
            }
        }
        out.printf(Locale.ROOT, "%nratio %s/%s (throughput: higher is better; latency and CPU: lower is better)%n",
            BUTTER, BASELINE);
        out.println(String.format(Locale.ROOT, "%5s  %10s  %6s  %6s  %7s", "conc", "throughput", "p50", "p99",
            "cpu/req"));
        for (int c : options.concurrencies()) {
            Median butter = median(BUTTER, c);
            Median baseline = median(BASELINE, c);
            out.println(String.format(Locale.ROOT, "%5d  %10s  %6s  %6s  %7s", c,
                ratio(butter.requestsPerSecond(), baseline.requestsPerSecond()),
                ratio(butter.p50Micros(), baseline.p50Micros()), ratio(butter.p99Micros(), baseline.p99Micros()),
                ratio(butter.cpuMicrosPerRequest(), baseline.cpuMicrosPerRequest())));
        }
        out.println();
        out.println(summaryLine());
    }

    /**
     * The one-line summary, e.g. {@code SUMMARY request/response loopback TLS1.3 payload=64B busy=2 butter-api=loop | c=1: butter
     * 5123 req/s p50 180us p99 400us, netty 9000 req/s p50 100us p99 250us, ratio throughput 0.57 p50 1.80
     * p99 1.60 | c=64: ...}.
     */
    String summaryLine() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "SUMMARY request/response loopback TLS1.3 payload=%dB busy=%d butter-api=%s", options.payloadBytes(),
            options.busyCpus(), options.virtualThreads() ? "virtual-threads" : "loop"));
        for (int c : options.concurrencies()) {
            Median butter = median(BUTTER, c);
            Median baseline = median(BASELINE, c);
            line.append(String.format(Locale.ROOT, " | c=%d: %s, %s, ratio throughput %s p50 %s p99 %s cpu/req %s", c,
                describe(BUTTER, butter), describe(BASELINE, baseline),
                ratio(butter.requestsPerSecond(), baseline.requestsPerSecond()),
                ratio(butter.p50Micros(), baseline.p50Micros()), ratio(butter.p99Micros(), baseline.p99Micros()),
                ratio(butter.cpuMicrosPerRequest(), baseline.cpuMicrosPerRequest())));
        }
        return line.toString();
    }

    /** The background load, in words. */
    private String background() {
        return options.busyCpus() == 0 ? "no background load"
            : options.busyCpus() + " background busy loop(s) at nice 19 for the whole run";
    }

    private static String describe(String system, Median m) {
        return String.format(Locale.ROOT, "%s %.0f req/s p50 %.0fus p99 %.0fus cpu %.2fus/req", system,
            m.requestsPerSecond(), m.p50Micros(), m.p99Micros(), m.cpuMicrosPerRequest());
    }

    private static String ratio(double butter, double baseline) {
        return baseline > 0 ? String.format(Locale.ROOT, "%.2f", butter / baseline) : "n/a";
    }
}
