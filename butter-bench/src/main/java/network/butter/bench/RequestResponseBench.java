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
 * <p>Each run keeps a fixed number of requests outstanding (closed loop), warms up, then measures
 * throughput and p50/p99 latency. Runs are interleaved: for every concurrency the baseline and Butter run
 * back to back, the one going first alternating between rounds, and the report gives the median per
 * system and concurrency over the rounds plus a one-line {@code SUMMARY}.
 *
 * <p>By default every CPU is kept busy for the whole run by a background loop at the lowest priority
 * ({@link BusyBackground}), the same for both systems: no CPU ever sleeps, so the figures do not depend on how fast
 * an idle CPU wakes, and whatever the systems under test want of the CPU they still get first.
 *
 * <p>Run it with {@code scripts/bench.sh} ({@code --help} lists the options, {@code --quick} is a smoke run).
 */
@Command(name = "bench.sh", sortOptions = false,
    description = "Request/response on loopback over TLS 1.3: Butter vs a raw Netty echo baseline.")
public final class RequestResponseBench implements Callable<Integer> {

    @Option(names = "--warmup-ms", defaultValue = "3000", paramLabel = "MS",
        description = "Warm-up per run before measuring (default ${DEFAULT-VALUE}).")
    private long warmupMs;

    @Option(names = "--measure-ms", defaultValue = "10000", paramLabel = "MS",
        description = "Measured window per run (default ${DEFAULT-VALUE}).")
    private long measureMs;

    @Option(names = "--rounds", defaultValue = "2", paramLabel = "N",
        description = "Rounds of every configuration; the report shows the median (default ${DEFAULT-VALUE}).")
    private int rounds;

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

    @Option(names = "--quick",
        description = "Smoke run: 1000 ms warm-up and 1000 ms measurement per run, overriding the two options above.")
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
            ? new BenchOptions(1_000, 1_000, rounds, payloadBytes, concurrencies, busy, virtualThreads)
            : new BenchOptions(warmupMs, measureMs, rounds, payloadBytes, concurrencies, busy, virtualThreads);
        run(options, System.out);
        return 0;
    }

    /**
     * Runs the whole benchmark: starts both systems once, drives every configuration in every round, prints
     * each run as it finishes and then the summary, and stops both systems.
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
             EchoTarget baseline = NettyEchoTarget.start(options.maxConcurrency());
             EchoTarget butter = ButterEchoTarget.start(options.maxConcurrency(), options.virtualThreads())) {
            for (int round = 1; round <= options.rounds(); round++) {
                // Alternate which system goes first, so neither always runs on a cooler or warmer machine.
                List<EchoTarget> order = round % 2 == 1 ? List.of(baseline, butter) : List.of(butter, baseline);
                for (int concurrency : options.concurrencies()) {
                    for (EchoTarget target : order) {
                        RunResult result = ClosedLoopRun.drive(target, concurrency, round, payload,
                            options.warmupMs(), options.measureMs());
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
