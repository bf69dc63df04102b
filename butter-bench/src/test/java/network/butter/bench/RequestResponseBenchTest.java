package network.butter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A smoke run of the whole benchmark with tiny durations: it checks the machinery, never performance. */
class RequestResponseBenchTest {

    private static final String FIGURES = "butter \\d+ req/s p50 \\d+us p99 \\d+us cpu \\d+\\.\\d\\dus/req, netty \\d+"
        + " req/s p50 \\d+us p99 \\d+us cpu \\d+\\.\\d\\dus/req, ratio throughput \\d+\\.\\d\\d p50 \\d+\\.\\d\\d p99"
        + " \\d+\\.\\d\\d cpu/req \\d+\\.\\d\\d";

    @Test
    void shouldCompleteRequestsOnBothSystemsAndPrintAWellFormedSummary() throws InterruptedException {
        BenchOptions options = new BenchOptions(300, 500, 1, 64, List.of(4), 0, false);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        BenchReport report = RequestResponseBench.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(report.runs()).extracting(RunResult::system)
            .containsExactly(BenchReport.BASELINE, BenchReport.BUTTER);
        assertThat(report.runs()).allSatisfy(run -> {
            assertThat(run.requests()).as("requests completed by %s", run.system()).isPositive();
            assertThat(run.errors()).as("failed requests of %s (first: %s)", run.system(), run.firstFailure())
                .isZero();
            assertThat(run.concurrency()).isEqualTo(4);
            assertThat(run.cpuMicrosPerRequest()).as("CPU per request of %s", run.system()).isPositive();
        });
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(report.summaryLine())
            .matches("SUMMARY request/response loopback TLS1\\.3 payload=64B busy=0 butter-api=loop \\| c=4: " + FIGURES);
        assertThat(output.lines().filter(line -> line.startsWith("SUMMARY")))
            .containsExactly(report.summaryLine());
    }

    @Test
    void shouldReportTheMedianOfEachFigureOverTheRounds() {
        BenchReport report = new BenchReport(new BenchOptions(0, 1, 3, 64, List.of(1), 0, false));
        report.add(new RunResult("butter", 1, 1, 100, 0, 1000, 50, 400, 9.0, null));
        report.add(new RunResult("butter", 1, 2, 300, 0, 3000, 10, 900, 7.0, null));
        report.add(new RunResult("butter", 1, 3, 200, 0, 2000, 30, 100, 8.0, null));

        assertThat(report.median("butter", 1)).isEqualTo(new BenchReport.Median(2000, 30, 400, 8.0, 0));
    }

    @Test
    void shouldAverageTheMiddleTwoForAnEvenNumberOfRounds() {
        BenchReport report = new BenchReport(new BenchOptions(0, 1, 2, 64, List.of(1), 0, false));
        report.add(new RunResult("netty", 1, 1, 100, 0, 1000, 50, 400, 4.0, null));
        report.add(new RunResult("netty", 1, 2, 300, 1, 3000, 10, 900, 6.0, null));

        assertThat(report.median("netty", 1)).isEqualTo(new BenchReport.Median(2000, 30, 650, 5.0, 1));
    }
}
