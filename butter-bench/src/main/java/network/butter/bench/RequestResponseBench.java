package network.butter.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The request/response benchmark: Butter against a raw Netty echo baseline on loopback, both over the same
 * TLS 1.3 setup, in the same process and the same run, so the ratio between them means something even on a
 * noisy machine where absolute figures do not.
 *
 * <p>Each run keeps a fixed number of requests outstanding (closed loop). For every concurrency both systems warm up
 * once, then the benchmark measures many short trial pairs: the baseline and Butter back to back, the one going first
 * alternating from pair to pair (A,B then B,A). A change in the machine's load lasting longer than a pair hits both
 * halves of it alike, so the ratio of each pair is far steadier than any absolute figure; the report gives the median
 * of the per-pair ratios with their spread, and a one-line {@code SUMMARY}. {@code --baseline-twice} measures the
 * baseline against a second instance of itself (an A/A run): its ratios should be 1.00, and their spread is the noise
 * floor of the method on the machine at hand.
 *
 * <p>By default every CPU is kept busy for the whole run by a background loop at the lowest priority
 * ({@link BusyBackground}: {@code SCHED_IDLE} and nice 19), the same for both systems: no CPU ever sleeps, so the
 * figures do not depend on how fast an idle CPU wakes, and whatever the systems under test want of the CPU they still
 * get first.
 *
 * <p>Run it with {@code scripts/bench.sh} ({@code --help} lists the options, {@code --quick} is a smoke run).
 */
@Command(name = "bench.sh", sortOptions = false,
    description = "Request/response on loopback over TLS 1.3: Butter vs a raw Netty echo baseline.")
public final class RequestResponseBench implements Callable<Integer> {

    @Option(names = "--warmup-ms", defaultValue = "3000", paramLabel = "MS",
        description = "Warm-up of each system at each concurrency before its first trial (default ${DEFAULT-VALUE}).")
    private long warmupMs;

    @Option(names = {"--trial-ms", "--measure-ms"}, defaultValue = "1000", paramLabel = "MS",
        description = "Measured window of one trial (default ${DEFAULT-VALUE}); each trial first runs "
            + BenchOptions.SETTLE_MS + " ms unmeasured.")
    private long trialMs;

    @Option(names = {"--pairs", "--rounds"}, defaultValue = "20", paramLabel = "N",
        description = "Trial pairs (baseline and Butter back to back, order alternating) per concurrency; the report"
            + " shows the median and spread of the per-pair ratios (default ${DEFAULT-VALUE}).")
    private int pairs;

    @Option(names = "--payload-bytes", defaultValue = "64", paramLabel = "BYTES",
        description = "Request and reply payload size (default ${DEFAULT-VALUE}).")
    private int payloadBytes;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,64", paramLabel = "C",
        description = "Outstanding requests to measure, comma-separated (default ${DEFAULT-VALUE}).")
    private List<Integer> concurrencies;

    @Option(names = "--busy-cpus", paramLabel = "N",
        description = "Busy loops at the lowest priority (nice 19) kept running in the background for the whole run, so"
            + " that no CPU ever idles; the same for both systems (default: one per CPU; 0 for none).")
    private Integer busyCpus;

    @Option(names = "--virtual-threads",
        description = "Butter serves and calls through its default API (handler and callbacks on virtual threads)"
            + " instead of the event-loop opt-ins handleOnLoop and requestOnLoop.")
    private boolean virtualThreads;

    @Option(names = "--baseline-twice",
        description = "A/A run: measure the baseline against a second instance of itself instead of Butter; the ratios"
            + " should be 1.00 and their spread is the method's noise floor.")
    private boolean baselineTwice;

    @Option(names = "--quick",
        description = "Smoke run: 500 ms warm-up, 3 pairs of 300 ms trials, overriding the options above.")
    private boolean quick;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    /**
     * Runs the benchmark from the command line and exits with picocli's status: 0 on success, 2 for bad
     * options, 1 if the benchmark failed.
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new RequestResponseBench()).execute(args));
    }

    /** Runs with the parsed options, printing to standard output; called by picocli. */
    @Override
    public Integer call() throws InterruptedException {
        int busy = busyCpus != null ? busyCpus : Runtime.getRuntime().availableProcessors();
        BenchOptions options = quick
            ? new BenchOptions(500, 300, 3, payloadBytes, concurrencies, busy, virtualThreads, baselineTwice)
            : new BenchOptions(warmupMs, trialMs, pairs, payloadBytes, concurrencies, busy, virtualThreads,
                baselineTwice);
        run(options, System.out);
        return 0;
    }

    /**
     * Runs the whole benchmark: starts both systems once, warms both up and drives every trial pair at every
     * concurrency, prints each trial as it finishes and then the summary, and stops both systems.
     *
     * @return the report, for callers (such as the smoke test) that inspect the figures
     */
    static BenchReport run(BenchOptions options, PrintStream out) throws InterruptedException {
        byte[] payload = new byte[options.payloadBytes()];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        BenchReport report = new BenchReport(options);
        out.println(report.header());
        out.println();
        out.println(BenchReport.runHeader());
        try (BusyBackground busy = BusyBackground.start(options.busyCpus(),
                options.plannedSeconds() + BusyBackground.MARGIN_SECONDS);
             EchoTarget baseline = NettyEchoTarget.start(BenchReport.BASELINE, options.maxConcurrency());
             EchoTarget measured = options.baselineTwice()
                 ? NettyEchoTarget.start(BenchReport.BASELINE_AGAIN, options.maxConcurrency())
                 : ButterEchoTarget.start(options.maxConcurrency(), options.virtualThreads())) {
            for (int concurrency : options.concurrencies()) {
                for (EchoTarget target : List.of(baseline, measured)) {
                    ClosedLoopRun.drive(target, concurrency, 0, payload, 0, Math.max(1, options.warmupMs()));
                }
                for (int pair = 1; pair <= options.pairs(); pair++) {
                    // Alternate which system goes first, so neither always runs right after the other's load.
                    List<EchoTarget> order = pair % 2 == 1 ? List.of(baseline, measured) : List.of(measured, baseline);
                    for (EchoTarget target : order) {
                        RunResult result = ClosedLoopRun.drive(target, concurrency, pair, payload,
                            BenchOptions.SETTLE_MS, options.trialMs());
                        report.add(result);
                        out.println(BenchReport.row(result));
                        if (result.firstFailure() != null) {
                            out.println("       warning: " + result.errors() + " requests failed, the first with "
                                + result.firstFailure());
                        }
                    }
                }
            }
        }
        report.printSummary(out);
        return report;
    }
}
