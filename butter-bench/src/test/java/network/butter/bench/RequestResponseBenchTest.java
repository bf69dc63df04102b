package network.butter.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A smoke run of the whole benchmark with tiny durations, and the report's arithmetic: never performance. */
class RequestResponseBenchTest {

    private static final String SPREAD = "\\d+\\.\\d\\d \\[\\d+\\.\\d\\d-\\d+\\.\\d\\d\\]";
    private static final String SYSTEM = " \\d+ req/s p50 \\d+us p99 \\d+us cpu \\d+\\.\\d\\dus/req alloc \\d+B/req";
    private static final String FIGURES = "butter" + SYSTEM + ", netty" + SYSTEM + ", ratio throughput " + SPREAD
        + " p50 " + SPREAD + " p99 " + SPREAD + " cpu/req " + SPREAD;

    @Test
    void shouldCompleteRequestsOnBothSystemsInAlternatingPairsAndPrintAWellFormedSummary() throws InterruptedException {
        BenchOptions options = new BenchOptions(300, 300, 2, 64, List.of(4), 0, false, false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        BenchReport report = RequestResponseBench.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(report.runs()).extracting(RunResult::system)
            .containsExactly(BenchReport.BASELINE, BenchReport.BUTTER, BenchReport.BUTTER, BenchReport.BASELINE);
        assertThat(report.runs()).extracting(RunResult::pair).containsExactly(1, 1, 2, 2);
        assertThat(report.runs()).allSatisfy(run -> {
            assertThat(run.requests()).as("requests completed by %s", run.system()).isPositive();
            assertThat(run.errors()).as("failed requests of %s (first: %s)", run.system(), run.firstFailure())
                .isZero();
            assertThat(run.concurrency()).isEqualTo(4);
            assertThat(run.cpuMicrosPerRequest()).as("CPU per request of %s", run.system()).isPositive();
            assertThat(run.bytesPerRequest()).as("bytes allocated per request by %s", run.system()).isPositive();
        });
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(report.summaryLine()).matches("SUMMARY request/response loopback TLS1\\.3 payload=64B busy=0"
            + " butter-api=loop pairs=2 trial=300ms \\| c=4: " + FIGURES);
        assertThat(output.lines().filter(line -> line.startsWith("SUMMARY")))
            .containsExactly(report.summaryLine());
    }

    @Test
    void shouldMeasureTheBaselineAgainstASecondInstanceOfItselfInAnAaRun() throws InterruptedException {
        BenchOptions options = new BenchOptions(200, 200, 1, 64, List.of(2), 0, false, true);

        BenchReport report = RequestResponseBench.run(options, new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8));

        assertThat(report.runs()).extracting(RunResult::system)
            .containsExactly(BenchReport.BASELINE, BenchReport.BASELINE_AGAIN);
        assertThat(report.summaryLine()).contains(" a/a=netty2 ").contains("netty2 ");
    }

    @Test
    void shouldReportTheMedianOfEachFigureOverTheTrials() {
        BenchReport report = new BenchReport(new BenchOptions(0, 1, 3, 64, List.of(1), 0, false, false));
        report.add(new RunResult("butter", 1, 1, 100, 0, 1000, 50, 400, 9.0, 100, null));
        report.add(new RunResult("butter", 1, 2, 300, 0, 3000, 10, 900, 7.0, 100, null));
        report.add(new RunResult("butter", 1, 3, 200, 0, 2000, 30, 100, 8.0, 100, null));

        assertThat(report.median("butter", 1)).isEqualTo(new BenchReport.Median(2000, 30, 400, 8.0, 100, 0));
    }

    @Test
    void shouldAverageTheMiddleTwoForAnEvenNumberOfTrials() {
        BenchReport report = new BenchReport(new BenchOptions(0, 1, 2, 64, List.of(1), 0, false, false));
        report.add(new RunResult("netty", 1, 1, 100, 0, 1000, 50, 400, 4.0, 100, null));
        report.add(new RunResult("netty", 1, 2, 300, 1, 3000, 10, 900, 6.0, 100, null));

        assertThat(report.median("netty", 1)).isEqualTo(new BenchReport.Median(2000, 30, 650, 5.0, 100, 1));
    }

    @Test
    void shouldTakeTheRatioWithinEachPairRatherThanOfTheMedians() {
        BenchReport report = new BenchReport(new BenchOptions(0, 1, 3, 64, List.of(64), 0, false, false));
        // The machine slows down 4x over the pairs; Butter is 0.9x of the baseline in every pair.
        for (int pair = 1; pair <= 3; pair++) {
            double baseline = 4000.0 / (1 << (pair - 1));
            report.add(new RunResult("netty", 64, pair, 1, 0, baseline, 1, 1, 1, 100, null));
            report.add(new RunResult("butter", 64, pair, 1, 0, 0.9 * baseline, 1, 1, 1, 100, null));
        }
        report.add(new RunResult("butter", 64, 4, 1, 0, 99_999, 1, 1, 1, 100, null)); // no baseline trial: no pair

        BenchReport.Spread throughput = report.pairRatios(64, RunResult::requestsPerSecond);

        assertThat(throughput.median()).isCloseTo(0.9, within(1e-9));
        assertThat(throughput.min()).isCloseTo(0.9, within(1e-9));
        assertThat(throughput.max()).isCloseTo(0.9, within(1e-9));
    }

    @Test
    void shouldGiveTheQuartilesOfTheRatiosInterpolated() {
        BenchReport.Spread spread = BenchReport.Spread.of(new double[] {5, 1, 4, 2, 3});

        assertThat(spread).isEqualTo(new BenchReport.Spread(3, 2, 4, 1, 5));
        assertThat(BenchReport.Spread.of(new double[] {1, 2}).p25()).isCloseTo(1.25, within(1e-9));
        assertThat(spread.full()).isEqualTo("3.00 [2.00-4.00] (1.00-5.00)");
    }
}
