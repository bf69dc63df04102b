package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code butter testbed --mode processes}: nodes as separate {@code butter node-host} processes on this JVM's class
 * path, reached through their control API, killed with SIGKILL and brought back from their data directories.
 */
class ProcessModeTest {

    private static final Pattern FIGURE = Pattern.compile(" (deaths|restarts|processes|items)=(\\d+)");

    private record Result(int exitCode, String out, String err) {
    }

    private static Result butter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static List<ProcessHandle> hosts() {
        return ProcessHandle.current().descendants()
            .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("node-host")).toList();
    }

    /** The summary's deaths, restarts, processes and items. */
    private static java.util.Map<String, Integer> figures(String summary) {
        Matcher figures = FIGURE.matcher(summary);
        java.util.Map<String, Integer> found = new java.util.HashMap<>();
        while (figures.find()) {
            found.put(figures.group(1), Integer.parseInt(figures.group(2)));
        }
        return found;
    }

    @Test
    @Timeout(120)
    void shouldRunNodesInSeparateProcessesThroughTheirApiAndLeaveNoProcessBehind(@TempDir Path out) {
        Result result = butter("testbed", "--mode", "processes", "--nodes", "4", "--nodes-per-process", "2",
            "--items", "4", "--item-bytes", "256", "--chance-to-die", "1/8", "--grace", "0s", "--form", "0s",
            "--churn", "3s", "--settle", "0s", "--restart-fraction", "1", "--bootstrap-peers", "3", "--seed", "5",
            "--spare-processes", "2", "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        String summary = result.out().strip();
        assertThat(summary).startsWith("SUMMARY testbed mode=processes protocol=pcg-r3-5 n=4 items=")
            .contains(" nodesPerProcess=2 ", " peakRssMiB=", " peakFds=").doesNotContain("stopped=");
        java.util.Map<String, Integer> found = figures(summary);
        assertThat(found.get("items")).as("items stored through the nodes' API").isPositive();
        assertThat(found.get("restarts")).as("every replacement is a dead node back from its data directory")
            .isLessThanOrEqualTo(found.get("deaths"));
        assertThat(found.get("processes")).as("two nodes a process, two spares, one more per kill")
            .isGreaterThanOrEqualTo(5);
        // Made from the packaged jar, or (classes from directories, as under Maven's test phase) said why not.
        assertThat(result.err()).contains("class archive for the host processes", "testbed: 5 nodes in 5 processes need", "testbed: ready to store after", "churn-processes.csv");
        assertThat(out.resolve("churn-processes.csv")).exists();
        assertThat(hosts()).as("host processes left running").isEmpty();
        assertThat(Files.exists(out.resolve("churn-processes.png"))).isTrue();
    }

    @Test
    @Timeout(120)
    void shouldEndOnlyTheChosenNodesWithNodeKillScopeAndRestartThemInTheRoomTheyFreed(@TempDir Path out) {
        Result result = butter("testbed", "--mode", "processes", "--nodes", "4", "--nodes-per-process", "4",
            "--kill-scope", "node", "--items", "4", "--item-bytes", "256", "--chance-to-die", "1/4", "--grace", "0s",
            "--form", "0s", "--churn", "4s", "--settle", "0s", "--restart-fraction", "1", "--bootstrap-peers", "3",
            "--seed", "5", "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        String summary = result.out().strip();
        assertThat(summary).contains(" nodesPerProcess=4 ", " killScope=node ").doesNotContain("stopped=");
        java.util.Map<String, Integer> found = figures(summary);
        assertThat(found.get("deaths")).as("nodes ended during churn (seed 5): %s", summary).isGreaterThan(3);
        assertThat(found.get("restarts")).as("dead nodes back from their directories once closed: %s", summary)
            .isPositive();
        // A SIGKILL per death would have needed a new host per death; here the host, its spare and at most one
        // more spare (booted when a replacement took the first spare's room before a stop had freed the host's).
        assertThat(found.get("processes")).as("a node's death kills no process: %s", summary)
            .isLessThanOrEqualTo(3);
        assertThat(hosts()).as("host processes left running").isEmpty();
    }

    @Test
    void shouldRefuseMoreProcessesThanTheMachineHoldsAndSayWhatItNeeds(@TempDir Path out) {
        Result result = butter("testbed", "--mode", "processes", "--nodes", "2000", "--out", out.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot run: 2001 nodes in 2065 processes need", "GiB of memory",
            "this machine has", "--nodes-per-process", "--spare-processes");
        assertThat(result.out()).doesNotContain("SUMMARY");
        assertThat(hosts()).isEmpty();
    }

    @Test
    void shouldRefuseOptionsOfProcessModeInAnotherMode(@TempDir Path out) {
        Result result = butter("testbed", "--mode", "real", "--nodes", "10", "--restart-fraction", "0.5",
            "--out", out.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--nodes-per-process, --restart-fraction, --spare-processes and --kill-scope "
            + "need --mode processes");
    }

    @Test
    @Timeout(180)
    void shouldWriteTheFiguresSoFarAndLeaveNoProcessBehindWhenStoppedByASignal(@TempDir Path out) throws Exception {
        Path stdout = out.resolve("stdout.txt");
        Path stderr = out.resolve("stderr.txt");
        Process testbed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), ButterCli.class.getName(), "testbed", "--mode", "processes",
            "--nodes", "4", "--nodes-per-process", "2", "--items", "4", "--item-bytes", "256", "--chance-to-die", "0",
            "--grace", "0s", "--form", "0s", "--churn", "300s", "--settle", "0s", "--bootstrap-peers", "3",
            "--seed", "5", "--out", out.toString())
            .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            await("the churn phase").atMost(Duration.ofSeconds(120))
                .until(() -> Files.readString(stderr).contains("testbed: churn 300s"));
            List<ProcessHandle> itsHosts = testbed.descendants().toList();

            testbed.destroy(); // SIGTERM, as Ctrl-C, kill or timeout send
            assertThat(testbed.waitFor(60, TimeUnit.SECONDS)).as("the testbed exits on SIGTERM").isTrue();

            assertThat(Files.readString(stdout)).as("stderr: %s", Files.readString(stderr))
                .startsWith("SUMMARY testbed mode=processes protocol=pcg-r3-5 n=4 items=").contains(" stopped=\"");
            assertThat(out.resolve("churn-processes.csv")).exists();
            assertThat(itsHosts).as("its host processes").isNotEmpty().noneMatch(ProcessHandle::isAlive);
        } finally {
            testbed.destroyForcibly();
            testbed.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
