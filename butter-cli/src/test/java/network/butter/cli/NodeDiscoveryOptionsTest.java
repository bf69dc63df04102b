package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.node.NodeConfig;
import network.butter.node.discover.DiscoveryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The discovery options of {@code butter node}. Nothing here multicasts: options are only parsed, the one node
 * started listens on loopback (discovery off), and the failing one fails before opening a socket.
 */
class NodeDiscoveryOptionsTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static NodeConfig config(String... args) {
        CommandLine.ParseResult parsed = ButterCli.commandLine().parseArgs(args);
        return ((NodeCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        return ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.77.0.11", "192.168.1.20"})
    void shouldDiscoverWithTheDefaultsWhenListeningBeyondLoopback(String host) {
        assertThat(config("node", "--host", host).discovery()).isEqualTo(DiscoveryConfig.defaults());
    }

    @Test
    void shouldDiscoverByDefaultOnEveryInterface() {
        assertThat(config("node").discovery()).isEqualTo(DiscoveryConfig.defaults());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "localhost", "::1"})
    void shouldNotDiscoverOnLoopbackUnlessAsked(String host) {
        assertThat(config("node", "--host", host).discovery()).isNull();
        assertThat(config("node", "--host", host, "--discovery").discovery()).isEqualTo(DiscoveryConfig.defaults());
    }

    @Test
    void shouldNotDiscoverWhenSwitchedOff() {
        assertThat(config("node", "--no-discovery").discovery()).isNull();
        assertThat(config("node", "--host", "10.77.0.11", "--no-discovery").discovery()).isNull();
    }

    @Test
    void shouldCarryTheInterfaceGroupAndPortIntoTheNodeConfiguration() {
        DiscoveryConfig discovery = config("node", "--discovery-interface", "eth9", "--discovery-group", "239.1.2.3",
            "--discovery-port", "9999").discovery();

        assertThat(discovery).isEqualTo(new DiscoveryConfig("239.1.2.3", 9999, "eth9", LanDiscoveryConfig.defaults()));
    }

    @Test
    void shouldRejectAGroupThatIsNotMulticastAsAUsageError() {
        StringWriter err = new StringWriter();
        int exitCode = commandLine(new StringWriter(), err).execute("node", "--discovery-group", "10.0.0.1");

        assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--discovery-group': discovery group must be "
            + "an IPv4 multicast address", "Try 'butter node --help'");
    }

    @Test
    void shouldRejectAnOutOfRangeDiscoveryPortAsAUsageError() {
        StringWriter err = new StringWriter();
        int exitCode = commandLine(new StringWriter(), err).execute("node", "--discovery-port", "65536");

        assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--discovery-port': '65536' is not a UDP port");
    }

    @Test
    void shouldReportAMissingDiscoveryInterfaceAsOneErrorLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine(out, err).execute("node", "--host", "127.0.0.1", "--port", "0", "--discovery",
            "--discovery-interface", "butter-none0");

        assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
            .startsWith("error: no network interface named 'butter-none0' (this machine has: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldSayDiscoveryIsOffForALoopbackNode() throws InterruptedException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CommandLine cli = commandLine(out, err);
        Thread command = Thread.ofPlatform().name("butter-node-under-test")
            .start(() -> exitCode.set(cli.execute("node", "--host", "127.0.0.1", "--port", "0")));
        try {
            await().atMost(BOUND).until(() -> err.toString().contains("running"));

            assertThat(err.toString()).contains("discovery: off (--discovery turns it on)");
            assertThat(out.toString()).doesNotContain("known peer");
        } finally {
            command.interrupt();
        }
        assertThat(command.join(BOUND)).as("butter node stopped within %s", BOUND).isTrue();
        assertThat(exitCode).hasValue(0);
    }
}
