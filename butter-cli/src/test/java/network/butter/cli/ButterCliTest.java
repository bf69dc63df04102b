package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.PeerUnreachableException;
import network.butter.api.UnknownRouteException;
import network.butter.examples.ohce.Ohce;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;
import network.butter.node.portmap.PortMapperConfig;
import network.butter.wider.AmbassadorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ButterCliTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final long MIB = 1024 * 1024;

    /** What a finished command did. */
    private record Result(int exitCode, String out, String err) {
    }

    /** Runs {@code butter args...} in-process, capturing what it prints. */
    private static Result butter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(out, err).execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        return ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private static ButterNode loopbackNode() {
        return Butter.node(cfg -> cfg.host("127.0.0.1")).start();
    }

    @Test
    void shouldListTheNodeAndOhceCommandsInItsHelp() {
        Result help = butter("--help");

        assertThat(help.exitCode()).as("exit code; stderr: %s", help.err()).isZero();
        assertThat(help.out()).contains("Usage: butter", "node", "ohce", "wiki", "--help", "--version");
    }

    @Test
    void shouldPrintTheProjectVersion() {
        String expected = System.getProperty("butter.expectedVersion");
        assertThat(expected).as("butter.expectedVersion, set by the pom").isNotBlank();

        Result version = butter("--version");

        assertThat(version.exitCode()).as("exit code; stderr: %s", version.err()).isZero();
        assertThat(version.out().lines().findFirst()).hasValue("butter " + expected);
    }

    @Test
    void shouldDescribeEveryNodeOptionWithItsDefault() {
        Result help = butter("node", "--help");

        assertThat(help.exitCode()).as("exit code; stderr: %s", help.err()).isZero();
        assertThat(help.out()).contains("--host", "0.0.0.0", "--port", "7000", "--advertise-host", "--data-dir",
            "--memory", "512m", "--bootstrap", "--storage", "--no-storage");
    }

    @Test
    void shouldAskForASubcommandWhenGivenNone() {
        Result none = butter();

        assertThat(none.exitCode()).as("exit code; stderr: %s", none.err()).isEqualTo(2);
        assertThat(none.err()).contains("Missing required subcommand", "Usage: butter");
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
        "512m, 536870912",
        "1g, 1073741824",
        "512MiB, 536870912",
        "768MB, 805306368",
        "64 k, 65536",
        "2T, 2199023255552",
        "1048576, 1048576",
        "100b, 100",
    })
    void shouldReadSizesWithBinaryUnits(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"lots", "-1m", "1.5g", "", "1x", "m", "1 0m"})
    void shouldRejectMalformedSizesSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not a size")
            .hasMessageContaining("512m");
    }

    @Test
    void shouldRejectSizesThatAreZeroOrOverflow() {
        assertThatThrownBy(() -> DataSize.parse("0m")).hasMessageContaining("at least 1 byte");
        assertThatThrownBy(() -> DataSize.parse("9999999999t")).hasMessageContaining("too large");
        assertThatThrownBy(() -> DataSize.parse("99999999999999999999")).hasMessageContaining("too large");
    }

    @Test
    void shouldPrintSizesInTheLargestWholeUnit() {
        assertThat(DataSize.parse("512m")).hasToString("512 MiB");
        assertThat(DataSize.parse("1536m")).hasToString("1536 MiB");
        assertThat(DataSize.parse("1000")).hasToString("1000 bytes");
    }

    @Test
    void shouldTurnNodeOptionsIntoTheNodeConfiguration() {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs("node", "--memory", "256m",
            "--bootstrap", "127.0.0.1:7001", "--bootstrap", "[::1]:7002", "--data-dir", "some/dir",
            "--advertise-host", "butter.example");
        NodeConfig config = ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();

        assertThat(config.memoryBudgetBytes()).isEqualTo(256 * MIB);
        assertThat(config.bootstrap()).containsExactly(new HostPort("127.0.0.1", 7001), new HostPort("::1", 7002));
        assertThat(config.dataDirectory()).isEqualTo(Path.of("some/dir").toAbsolutePath());
        assertThat(config.advertisedHost()).isEqualTo("butter.example");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(NodeCommand.DEFAULT_PORT);
    }

    @Test
    void shouldDefaultToAFreshIdentityAndTheDefaultMemoryBudget() {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs("node");
        NodeConfig config = ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();

        assertThat(config.dataDirectory()).isNull();
        assertThat(config.memoryBudgetBytes()).isEqualTo(512 * MIB);
        assertThat(config.bootstrap()).isEmpty();
        assertThat(config.portMapping()).as("port mapping, on by default").isEqualTo(PortMapperConfig.defaults());
    }

    @Test
    void shouldLeaveTheRouterAloneWithNoPortMapping() {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs("node", "--no-port-mapping");
        NodeConfig config = ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();

        assertThat(config.portMapping()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"--ambassador,ON", "--no-ambassador,OFF"})
    void shouldSetTheAmbassadorRoleFromItsOption(String option, AmbassadorMode mode) {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs("node", option);
        NodeConfig config = ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();

        assertThat(config.wider().ambassador()).isEqualTo(mode);
        assertThat(config.wider().relay()).isTrue();
    }

    @Test
    void shouldNeitherUseNorServeRelaysWithNoRelay() {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs("node", "--no-relay");
        NodeConfig config = ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();

        assertThat(config.wider().relay()).isFalse();
        assertThat(config.wider().ambassador()).as("ambassador by default").isEqualTo(AmbassadorMode.AUTO);
    }

    @Test
    void shouldRefuseAmbassadorAndNoAmbassadorTogetherAsAUsageError() {
        Result both = butter("node", "--ambassador", "--no-ambassador");

        assertThat(both.exitCode()).as("exit code; stderr: %s", both.err()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive").doesNotContain("Exception", "\tat ");
    }

    @Test
    void shouldRejectAMalformedMemoryBudgetAsAUsageError() {
        Result bad = butter("node", "--memory", "lots");

        assertThat(bad.exitCode()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid value for option '--memory': 'lots' is not a size")
            .doesNotContain("Exception", "\tat ", "Usage:");
    }

    @Test
    void shouldRejectAMemoryBudgetTooSmallForANode() {
        Result small = butter("node", "--host", "127.0.0.1", "--port", "0", "--memory", "1m");

        assertThat(small.exitCode()).as("exit code; stderr: %s", small.err()).isEqualTo(2);
        assertThat(small.err())
            .contains("Invalid value for option '--memory': a node needs a memory budget of at least 16 MiB")
            .doesNotContain("\tat ");
        assertThat(small.out()).isEmpty();
    }

    @Test
    void shouldSuggestTheNearestCommandForATypo() {
        Result typo = butter("nod");

        assertThat(typo.exitCode()).as("exit code; stderr: %s", typo.err()).isEqualTo(2);
        assertThat(typo.err()).contains("Unmatched argument", "'nod'", "Did you mean", "node");
    }

    @Test
    void shouldRejectAnOutOfRangePort() {
        Result bad = butter("node", "--host", "127.0.0.1", "--port", "70000");

        assertThat(bad.exitCode()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid value for option '--port': '70000' is not a port",
            "Try 'butter node --help'");
    }

    @Test
    void shouldRejectABootstrapAddressWithoutAPort() {
        Result bad = butter("node", "--bootstrap", "nowhere");

        assertThat(bad.exitCode()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid value for option '--bootstrap'", "expected host:port");
    }

    @Test
    void shouldRejectAnOhcePeerWithoutAnId() {
        Result bad = butter("ohce", "--peer", "127.0.0.1:7000");

        assertThat(bad.exitCode()).as("exit code; stderr: %s", bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid value for option '--peer'", "id@host:port");
    }

    @Test
    void shouldReportAPortInUseAsOneErrorLine() {
        try (ButterNode occupant = loopbackNode()) {
            Result clash = butter("node", "--host", "127.0.0.1", "--port", "" + occupant.address().port());

            assertThat(clash.exitCode()).as("exit code; stderr: %s", clash.err()).isEqualTo(1);
            assertThat(clash.err().lines()).singleElement().asString()
                .startsWith("error: cannot listen on 127.0.0.1:" + occupant.address().port());
            assertThat(clash.out()).isEmpty();
        }
    }

    @Test
    void shouldPrintEachKnownPeerWithItsQualityWhenJoiningThroughABootstrapAddress() throws InterruptedException {
        StringWriter out = new StringWriter();
        CommandLine cli = commandLine(out, new StringWriter());
        try (ButterNode existing = loopbackNode()) {
            Thread command = Thread.ofPlatform().name("butter-node-bootstrapping").start(() -> cli.execute("node",
                "--host", "127.0.0.1", "--port", "0", "--bootstrap", existing.address().hostPort().toString()));
            try {
                await().atMost(BOUND).until(() -> out.toString().contains("known peer "));
                String line = out.toString().lines().filter(l -> l.startsWith("known peer ")).findFirst().orElseThrow();
                assertThat(line).startsWith("known peer " + existing.address() + " after ")
                    .matches(".* after \\d+ ms \\(up \\d+ s, offers " + 128 * MIB + " bytes, knows \\d+, known by \\d+, subnet 127\\.0\\.0\\.0/24\\)");
            } finally {
                command.interrupt();
                assertThat(command.join(BOUND)).as("butter node stopped within %s", BOUND).isTrue();
            }
        }
    }

    @Test
    void shouldRunANodeOthersCanCallUntilInterrupted() throws InterruptedException {
        StringWriter out = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = commandLine(out, new StringWriter());
        Thread command = Thread.ofPlatform().name("butter-node-under-test")
            .start(() -> exitCode.set(cli.execute("node", "--host", "127.0.0.1", "--port", "0")));
        try (ButterNode caller = loopbackNode()) {
            await().atMost(BOUND).until(() -> out.toString().lines().count() >= 2);
            String[] printed = out.toString().lines().toArray(String[]::new);
            PeerAddress node = PeerAddress.parse(printed[1].substring("address: ".length()));
            assertThat(printed[0]).isEqualTo("peer id: " + node.id());
            assertThat(node.host()).isEqualTo("127.0.0.1");

            assertThatThrownBy(() -> caller.requestBlocking(node, "nothing/here", "are you there?"))
                .as("a live node that serves no routes")
                .isInstanceOf(UnknownRouteException.class);

            command.interrupt();
            assertThat(command.join(BOUND)).as("butter node stopped within %s", BOUND).isTrue();
            assertThat(exitCode).hasValue(0);
            assertThatThrownBy(() -> caller.requestBlocking(node, "nothing/here", "still there?"))
                .isInstanceOf(PeerUnreachableException.class);
        } finally {
            command.interrupt();
        }
    }

    @Test
    void shouldServeOhceUntilInterrupted() throws InterruptedException {
        StringWriter out = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = commandLine(out, new StringWriter());
        Thread command = Thread.ofPlatform().name("butter-ohce-under-test")
            .start(() -> exitCode.set(cli.execute("ohce")));
        try (ButterNode caller = loopbackNode()) {
            await().atMost(BOUND).until(() -> out.toString().lines().count() >= 2);
            PeerAddress ohce = PeerAddress.parse(out.toString().lines().toList().get(1).substring("address: ".length()));

            assertThat(ohce.host()).isEqualTo("127.0.0.1");
            assertThat(caller.requestBlocking(ohce, Ohce.ROUTE, "butter").text()).isEqualTo("rettub");

            command.interrupt();
            assertThat(command.join(BOUND)).as("butter ohce stopped within %s", BOUND).isTrue();
            assertThat(exitCode).hasValue(0);
        } finally {
            command.interrupt();
        }
    }

    @Test
    void shouldServeTheWikiInABrowserPageUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = commandLine(out, new StringWriter());
        Thread command = Thread.ofPlatform().name("butter-wiki-under-test")
            .start(() -> exitCode.set(cli.execute("wiki", "--host", "127.0.0.1", "--http-port", "0", "--nick", "ana")));
        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(BOUND).until(() -> out.toString().contains("author: "));
            String url = out.toString().lines().filter(line -> line.startsWith("wiki: ")).findFirst().orElseThrow().substring("wiki: ".length());

            HttpResponse<String> home = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(home.statusCode()).isEqualTo(200);
            assertThat(home.body()).contains("All pages", "You edit as ana");
            command.interrupt();
            assertThat(command.join(BOUND)).as("butter wiki stopped within %s", BOUND).isTrue();
            assertThat(exitCode).hasValue(0);
        } finally {
            command.interrupt();
        }
    }
}
