package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.node.NodeConfig;
import network.butter.node.StorageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The storage options of {@code butter node}: parsed into the node configuration, and reported at start. */
class NodeStorageOptionsTest {

    private static final long MIB = 1024 * 1024;
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path tempDir;

    private static NodeConfig config(String... args) {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs(args);
        return ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    @Test
    void shouldKeepAQuarterOfTheMemoryBudgetInMemoryByDefault() {
        assertThat(config("node", "--memory", "256m").storage().capacityBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void shouldKeepOneGibibyteOnDiskByDefaultWithADataDirectory() {
        assertThat(config("node", "--data-dir", "some/dir").storage().capacityBytes())
            .isEqualTo(StorageConfig.DEFAULT_DISK_CAPACITY_BYTES);
    }

    @Test
    void shouldKeepWhatStorageSays() {
        assertThat(config("node", "--data-dir", "some/dir", "--storage", "10g").storage().capacityBytes())
            .isEqualTo(10 * 1024 * MIB);
        assertThat(config("node", "--storage", "100m").storage().capacityBytes()).isEqualTo(100 * MIB);
    }

    @Test
    void shouldHaveNoStorageWithNoStorage() {
        assertThat(config("node", "--no-storage").storage()).isNull();
    }

    @Test
    void shouldRejectStorageAndNoStorageTogetherAsAUsageError() {
        Result both = butter("node", "--storage", "1g", "--no-storage");

        assertThat(both.exitCode()).as("exit code; stderr: %s", both.err()).isEqualTo(2);
        assertThat(both.err()).contains("--storage=SIZE, --no-storage are mutually exclusive");
    }

    @Test
    void shouldRejectAMalformedStorageSizeAsAUsageError() {
        Result bad = butter("node", "--storage", "plenty");

        assertThat(bad.exitCode()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid value for option '--storage': 'plenty' is not a size");
    }

    @Test
    void shouldRefuseMoreStorageInMemoryThanHalfTheBudgetAsOneErrorLine() {
        Result tooMuch = butter("node", "--host", "127.0.0.1", "--port", "0", "--memory", "256m", "--storage", "1g");

        assertThat(tooMuch.exitCode()).as("exit code; stderr: %s", tooMuch.err()).isEqualTo(1);
        assertThat(tooMuch.err().lines()).singleElement().asString().startsWith("error: a chunk store in memory of ")
            .contains("give the node a data directory");
        assertThat(tooMuch.out()).isEmpty();
    }

    @Test
    void shouldSayWhereItKeepsItsChunks() throws InterruptedException {
        Path dataDirectory = tempDir.resolve("node");
        StringWriter err = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = ButterCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
            .setErr(new PrintWriter(err, true));
        Thread command = Thread.ofPlatform().name("butter-node-with-storage").start(() -> exitCode.set(cli.execute(
            "node", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory.toString(), "--storage", "2g")));
        try {
            await().atMost(BOUND).until(() -> err.toString().contains("running"));

            assertThat(err.toString()).contains("storage: up to 2 GiB in "
                + StorageConfig.chunkDirectory(dataDirectory.toAbsolutePath()));
            assertThat(StorageConfig.chunkDirectory(dataDirectory)).isDirectory();
        } finally {
            command.interrupt();
        }
        assertThat(command.join(BOUND)).as("butter node stopped within %s", BOUND).isTrue();
        assertThat(exitCode).hasValue(0);
    }

    @Test
    void shouldRefuseASecondNodeOnADataDirectoryInUseAsOneErrorLine() throws InterruptedException {
        Path dataDirectory = tempDir.resolve("shared");
        StringWriter err = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = ButterCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
            .setErr(new PrintWriter(err, true));
        Thread first = Thread.ofPlatform().name("first-butter-node").start(() -> exitCode.set(cli.execute(
            "node", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory.toString())));
        try {
            await().atMost(BOUND).until(() -> err.toString().contains("running"));

            Result second = butter("node", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDirectory.toString());

            assertThat(second.exitCode()).as("exit code; stderr: %s", second.err()).isEqualTo(1);
            assertThat(second.err().lines()).singleElement().asString()
                .startsWith("error: the data directory " + dataDirectory.toAbsolutePath() + " is in use by another node");
            assertThat(second.out()).isEmpty();
        } finally {
            first.interrupt();
        }
        assertThat(first.join(BOUND)).as("the first butter node stopped within %s", BOUND).isTrue();
        assertThat(exitCode).hasValue(0);
    }

    private static Result butter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err) {
    }
}
