package network.butter.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Collects the trials of one benchmark invocation and turns them into the report: one row per trial as it
 * finishes, then the median per system and concurrency, the measured/baseline ratio of every trial pair summarised
 * as a median with its spread, and a single {@code SUMMARY} line meant to be pasted into notes and compared across
 * commits.
 *
 * <p>The ratios are taken pair by pair, never as the ratio of two medians: the two trials of a pair run back to back
 * and see nearly the same machine, so a load change that moves both figures cancels out of their ratio.
 */
final class BenchReport {

    /** Name of the system under test in the report. */
    static final String BUTTER = "butter";
    /** Name of the baseline in the report. */
    static final String BASELINE = "netty";
    /** Name of the baseline's second instance in an A/A run. */
    static final String BASELINE_AGAIN = "netty2";

    private static final String RUN_FORMAT = "%5s  %-6s  %5s  %10s  %10s  %8s  %8s  %10s  %8s  %6s%n";

    private final BenchOptions options;
    private final List<RunResult> runs = new ArrayList<>();

    BenchReport(BenchOptions options) {
        this.options = options;
    }

    /** The median of one system at one concurrency over all its trials; each figure is its own median. */
    record Median(double requestsPerSecond, double p50Micros, double p99Micros, double cpuMicrosPerRequest,
                  double bytesPerRequest, long errors) {
    }

    /**
     * How the per-pair ratios of one figure are spread: the median, the interquartile range (the middle half of the
     * pairs) and the extremes.
     */
    record Spread(double median, double p25, double p75, double min, double max) {

        /** The spread of {@code values}; quartiles interpolate linearly between the sorted values. */
        static Spread of(double[] values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("no values");
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Spread(quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75), sorted[0],
                sorted[sorted.length - 1]);
        }

        private static double quantile(double[] sorted, double q) {
            double position = q * (sorted.length - 1);
            int below = (int) Math.floor(position);
            int above = Math.min(sorted.length - 1, below + 1);
            return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
        }

        /** As {@code median [p25-p75]}. */
        String compact() {
            return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", median, p25, p75);
        }

        /** As {@code median [p25-p75] (min-max)}. */
        String full() {
            return String.format(Locale.ROOT, "%s (%.2f-%.2f)", compact(), min, max);
        }
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
            "request/response on loopback, TLS 1.3, payload %d B, concurrency %s; per concurrency %d ms warm-up of each"
                + " system, then %d pairs of %d ms trials (each after %d ms unmeasured), order alternating; %s; %s%n"
                + "Java %s (%s), %d CPUs, %s %s",
            options.payloadBytes(), options.concurrencies(), options.warmupMs(), options.pairs(), options.trialMs(),
            BenchOptions.SETTLE_MS, background(), options.baselineTwice()
                ? "A/A run: the baseline against a second instance of itself"
                : options.virtualThreads() ? "Butter on virtual threads (handle, request)"
                : "Butter on the event loops (handleOnLoop, requestOnLoop)",
            System.getProperty("java.version"), System.getProperty("java.vm.name"),
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** The column titles for {@link #row(RunResult)}. */
    static String runHeader() {
        return String.format(Locale.ROOT, RUN_FORMAT, "pair", "system", "conc", "requests", "req/s", "p50 us",
            "p99 us", "cpu us/req", "B/req", "errors").stripTrailing();
    }

    /** One finished trial as a table row. */
    static String row(RunResult run) {
        return String.format(Locale.ROOT, RUN_FORMAT, run.pair(), run.system(), run.concurrency(), run.requests(),
            String.format(Locale.ROOT, "%.0f", run.requestsPerSecond()), run.p50Micros(), run.p99Micros(),
            String.format(Locale.ROOT, "%.2f", run.cpuMicrosPerRequest()),
            String.format(Locale.ROOT, "%.0f", run.bytesPerRequest()), run.errors()).stripTrailing();
    }

    /** The median of {@code system} at {@code concurrency} over the trials recorded. */
    Median median(String system, int concurrency) {
        List<RunResult> matching = trials(system, concurrency);
        if (matching.isEmpty()) {
            throw new IllegalStateException("no trial of " + system + " at concurrency " + concurrency);
        }
        return new Median(
            Spread.of(matching.stream().mapToDouble(RunResult::requestsPerSecond).toArray()).median(),
            Spread.of(matching.stream().mapToDouble(RunResult::p50Micros).toArray()).median(),
            Spread.of(matching.stream().mapToDouble(RunResult::p99Micros).toArray()).median(),
            Spread.of(matching.stream().mapToDouble(RunResult::cpuMicrosPerRequest).toArray()).median(),
            Spread.of(matching.stream().mapToDouble(RunResult::bytesPerRequest).toArray()).median(),
            matching.stream().mapToLong(RunResult::errors).sum());
    }

    /**
     * The measured/baseline ratio of one figure in every pair at {@code concurrency} (pairs missing either trial, or
     * whose baseline figure is 0, are left out), summarised.
     */
    Spread pairRatios(int concurrency, ToDoubleFunction<RunResult> figure) {
        List<RunResult> measured = trials(options.measuredName(), concurrency);
        List<RunResult> baseline = trials(BASELINE, concurrency);
        List<Double> ratios = new ArrayList<>();
        for (RunResult m : measured) {
            for (RunResult b : baseline) {
                if (b.pair() == m.pair() && figure.applyAsDouble(b) > 0) {
                    ratios.add(figure.applyAsDouble(m) / figure.applyAsDouble(b));
                }
            }
        }
        if (ratios.isEmpty()) {
            throw new IllegalStateException("no complete pair at concurrency " + concurrency);
        }
        return Spread.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private List<RunResult> trials(String system, int concurrency) {
        return runs.stream().filter(run -> run.system().equals(system) && run.concurrency() == concurrency).toList();
    }

    /** Prints the medians, the per-pair ratios and the summary line. */
    void printSummary(PrintStream out) {
        String measured = options.measuredName();
        out.printf(Locale.ROOT, "%nmedian of %d trial(s) per system%n", options.pairs());
        out.println(String.format(Locale.ROOT, "%-6s  %5s  %10s  %8s  %8s  %10s  %8s  %6s", "system", "conc", "req/s",
            "p50 us", "p99 us", "cpu us/req", "B/req", "errors"));
        for (int c : options.concurrencies()) {
            for (String system : List.of(BASELINE, measured)) {
                Median m = median(system, c);
                out.println(String.format(Locale.ROOT, "%-6s  %5d  %10.0f  %8.0f  %8.0f  %10.2f  %8.0f  %6d", system, c,
                    m.requestsPerSecond(), m.p50Micros(), m.p99Micros(), m.cpuMicrosPerRequest(), m.bytesPerRequest(),
                    m.errors()));
            }
        }
        out.printf(Locale.ROOT, "%nratio %s/%s per pair, median [interquartile range] (min-max); throughput: higher is"
            + " better; latency and CPU: lower is better%n", measured, BASELINE);
        for (int c : options.concurrencies()) {
            out.printf(Locale.ROOT, "c=%d  throughput %s  p50 %s  p99 %s  cpu/req %s  bytes/req %s%n", c,
                pairRatios(c, RunResult::requestsPerSecond).full(), pairRatios(c, RunResult::p50Micros).full(),
                pairRatios(c, RunResult::p99Micros).full(), pairRatios(c, RunResult::cpuMicrosPerRequest).full(),
                pairRatios(c, RunResult::bytesPerRequest).full());
        }
        out.println();
        out.println(summaryLine());
    }

    /**
     * The one-line summary, e.g. {@code SUMMARY request/response loopback TLS1.3 payload=64B busy=2 butter-api=loop
     * pairs=15 trial=1000ms | c=1: butter 5123 req/s p50 180us p99 400us cpu 20.10us/req, netty 9000 req/s …, ratio
     * throughput 0.57 [0.55-0.60] p50 1.80 [1.70-1.85] p99 1.60 [1.50-1.70] cpu/req 1.20 [1.15-1.25] | c=64: ...}:
     * the system medians, then each ratio's per-pair median with its interquartile range.
     */
    String summaryLine() {
        String measured = options.measuredName();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "SUMMARY request/response loopback TLS1.3 payload=%dB busy=%d %s pairs=%d trial=%dms",
            options.payloadBytes(), options.busyCpus(), options.baselineTwice() ? "a/a=netty2"
                : "butter-api=" + (options.virtualThreads() ? "virtual-threads" : "loop"),
            options.pairs(), options.trialMs()));
        for (int c : options.concurrencies()) {
            line.append(String.format(Locale.ROOT, " | c=%d: %s, %s, ratio throughput %s p50 %s p99 %s cpu/req %s", c,
                describe(measured, median(measured, c)), describe(BASELINE, median(BASELINE, c)),
                pairRatios(c, RunResult::requestsPerSecond).compact(), pairRatios(c, RunResult::p50Micros).compact(),
                pairRatios(c, RunResult::p99Micros).compact(),
                pairRatios(c, RunResult::cpuMicrosPerRequest).compact()));
        }
        return line.toString();
    }

    /** The background load, in words. */
    private String background() {
        return options.busyCpus() == 0 ? "no background load"
            : options.busyCpus() + " background busy loop(s) at SCHED_IDLE and nice 19 for the whole run";
    }

    private static String describe(String system, Median m) {
        return String.format(Locale.ROOT, "%s %.0f req/s p50 %.0fus p99 %.0fus cpu %.2fus/req alloc %.0fB/req", system,
            m.requestsPerSecond(), m.p50Micros(), m.p99Micros(), m.cpuMicrosPerRequest(), m.bytesPerRequest());
    }
}
