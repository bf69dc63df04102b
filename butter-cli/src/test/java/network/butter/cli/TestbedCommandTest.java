package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import network.butter.sim.NatPlan;
import network.butter.testbed.ChurnConfig;
import network.butter.testbed.Deaths;
import network.butter.testbed.Mode;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.attack.Attack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class TestbedCommandTest {

    /** What a finished command did. */
    private record Result(int exitCode, String out, String err) {
    }

    private static Result butter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Parses {@code butter testbed args...} without running it, and returns the config the options describe. */
    private static ChurnConfig parse(String... args) {
        CommandLine commandLine = ButterCli.commandLine();
        String[] full = new String[args.length + 1];
        full[0] = "testbed";
        System.arraycopy(args, 0, full, 1, args.length);
        commandLine.parseArgs(full);
        TestbedCommand command = commandLine.getSubcommands().get("testbed").getCommand();
        return command.config();
    }

    /** Parses {@code butter testbed args...} without running it, and returns the malicious nodes the options describe. */
    private static Adversary parseAdversary(String... args) {
        CommandLine commandLine = ButterCli.commandLine();
        String[] full = new String[args.length + 1];
        full[0] = "testbed";
        System.arraycopy(args, 0, full, 1, args.length);
        commandLine.parseArgs(full);
        TestbedCommand command = commandLine.getSubcommands().get("testbed").getCommand();
        return command.adversary();
    }

    @Test
    void shouldHaveNoMaliciousNodesUnlessAsked() {
        assertThat(parseAdversary().active(250)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"1/10, trim, 0.1, TRIM", "0.2, SYBIL-LEADER, 0.2, SYBIL_LEADER", "0.05, lying-summary, 0.05, LYING_SUMMARY",
        "0.5, all, 0.5, ALL", "0, flood, 0, FLOOD", "0.1, tombstone, 0.1, TOMBSTONE"})
    void shouldReadTheMaliciousFractionAndTheAttack(String fraction, String attack, double expected, Attack parsed) {
        assertThat(parseAdversary("--malicious", fraction, "--attack", attack)).isEqualTo(new Adversary(expected, parsed));
    }

    @Test
    void shouldRunASmallSimulationWithMaliciousNodesAndReportTheirFigures(@TempDir Path out) throws Exception {
        Result result = butter("testbed", "--nodes", "20", "--items", "5", "--chance-to-die", "1/10", "--grace", "1s",
            "--form", "1s", "--churn", "5s", "--settle", "1s", "--seed", "3", "--malicious", "0.2", "--attack", "trim",
            "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        assertThat(result.out()).contains("malicious=0.2 attack=trim maliciousNodes=4 failed=", " wrong=",
            " honestPeakStored=", "/67108864 ", " honestPeakTombstones=", " attackMessages=");
        assertThat(result.err()).contains("4 of them malicious, running the trim attack", "attack counters: {");
        assertThat(Files.readAllLines(out.resolve("churn-sim.csv")).getFirst())
            .endsWith(",honest_stored_bytes,honest_capacity_bytes,honest_groups,honest_tombstones");
    }

    @Test
    void shouldDefaultToTheOriginalChurnExperimentInSimulation() {
        ChurnConfig config = parse();

        assertThat(config).isEqualTo(ChurnConfig.builder().build());
    }

    @Test
    void shouldReadEveryOption() {
        ChurnConfig config = parse("--mode", "REAL", "--nodes", "12", "--items", "7", "--item-bytes", "64",
            "--chance-to-die", "0.1", "--grace", "2", "--form", "1m", "--churn", "45s", "--settle", "0s", "--seed",
            "-9", "--bootstrap-peers", "3");

        assertThat(config).isEqualTo(ChurnConfig.builder().mode(Mode.REAL).nodes(12).items(7).itemBytes(64)
            .chanceToDie(0.1).grace(Duration.ofSeconds(2)).form(Duration.ofMinutes(1)).churn(Duration.ofSeconds(45))
            .settle(Duration.ZERO).seed(-9).bootstrapPeers(3).build());
    }

    @Test
    void shouldPutTheShareOfNodesGivenBehindNatsWithItsCompanions() {
        ChurnConfig config = parse("--behind-nat", "0.7", "--symmetric-nat", "1/4", "--port-mapping", "0.1",
            "--nodes-per-lan", "3");

        assertThat(config.nat()).isEqualTo(new NatPlan(0.7, 0.25, 0.1, 3));
        assertThat(parse("--symmetric-nat", "1").nat()).as("no NAT without --behind-nat").isEqualTo(NatPlan.none());
    }

    @ParameterizedTest
    @CsvSource({"1/50, 0.02", "0.02, 0.02", "1/3, 0.3333333333333333", "0, 0", "1, 1", "2/2, 1"})
    void shouldAcceptTheChanceToDieAsADecimalOrAFraction(String text, double expected) {
        assertThat(parse("--chance-to-die", text).chanceToDie()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "1/0", "-0.1", "abc", "1/", "0,5"})
    void shouldRejectAChanceToDieThatIsNotAProbability(String text) {
        Result result = butter("testbed", "--chance-to-die", text);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid value for option '--chance-to-die'", "is not a probability",
            "Try 'butter testbed --help'");
    }

    @Test
    void shouldRejectAnUnknownMode() {
        Result result = butter("testbed", "--mode", "cloud");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown mode 'cloud': use sim, real or processes");
    }

    @Test
    void shouldRejectDurationsWithoutAUnitItKnows() {
        Result result = butter("testbed", "--churn", "30 days");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'30 days' is not a duration");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--mode real --nodes 1000 | nodes must be 2..300 in real mode",
        "--mode real --churn 1h | churn must be whole seconds from 0s to 300s in real mode",
        "--mode real --partition 2 | need the simulator",
        "--mode real --loss 0.1 | need the simulator",
        "--mode real --deaths silent | silent deaths need the simulator",
        "--mode real --behind-nat 0.5 | nodes behind NATs need the simulator",
        "--behind-nat 0.5 --nodes-per-lan 0 | nodesPerLan must be 1..253",
        "--protocol local-only --failure-detector | --failure-detector needs --protocol pcg",
        "--settle 1500ms | settle must be whole seconds",
        "--items 0 | items must be",
        "--partition 1 | partition groups must be",
        "--mode real --nodes 20 --malicious 0.1 | --malicious needs --mode sim",
        "--protocol local-only --malicious 0.1 | --malicious needs --protocol pcg",
        "--malicious 0.6 | the malicious fraction must be within 0..0.5",
        "--attack worm | unknown attack 'worm': use one of trim|tombstone|sybil-leader|lying-summary|flood|all"})
    void shouldRejectAnExperimentOutOfBoundsBeforeRunningIt(String args, String reason) {
        String[] split = ("testbed " + args).split(" ");

        Result result = butter(split);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid testbed options: ", reason);
        assertThat(result.out()).doesNotContain("SUMMARY");
    }

    @Test
    void shouldRunASmallSimulationAndPrintOneSummaryLine(@TempDir Path out) {
        Result result = butter("testbed", "--nodes", "20", "--items", "5", "--chance-to-die", "1/10", "--grace", "1s",
            "--form", "1s", "--churn", "5s", "--settle", "1s", "--seed", "3", "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        assertThat(result.out().lines()).singleElement().asString()
            .startsWith("SUMMARY testbed mode=sim protocol=pcg-r3-5 n=20 items=5 churn=5s chanceToDie=0.1/s retrieved=")
            .contains("maintenance=", "seed=3", "trace=");
        assertThat(result.err()).contains("testbed: churn 5s", "churn-sim.csv", "churn-sim.png");
        assertThat(out.resolve("churn-sim.csv")).exists();
        assertThat(out.resolve("churn-sim.png")).exists();
        assertThat(Files.isRegularFile(out.resolve("churn-sim.png"))).isTrue();
    }

    @Test
    void shouldRunTheLocalOnlyBaselineWhenAsked(@TempDir Path out) {
        Result result = butter("testbed", "--protocol", "local-only", "--nodes", "20", "--items", "5", "--grace", "1s",
            "--form", "1s", "--churn", "2s", "--settle", "1s", "--seed", "3", "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        assertThat(result.out()).contains("protocol=local-only").doesNotContain("maintenance=");
    }

    @Test
    void shouldRejectAnUnknownProtocol(@TempDir Path out) {
        Result result = butter("testbed", "--protocol", "gossip", "--out", out.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Invalid testbed options: unknown protocol 'gossip'");
    }

    @Test
    void shouldListTheTestbedCommandAndItsOptions() {
        assertThat(butter("--help").out()).contains("testbed");

        Result help = butter("testbed", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--mode", "--nodes", "--items", "--item-bytes", "--chance-to-die", "1/50",
            "--grace", "--churn", "--settle", "--form", "--seed", "--out", "testbed-out", "--partition", "--loss",
            "--deaths=crash|silent|mixed", "--failure-detector", "--malicious", "--attack", "sybil-leader");
    }

    @ParameterizedTest
    @CsvSource({"crash, CRASH", "SILENT, SILENT", "mixed, MIXED"})
    void shouldReadTheKindOfDeath(String text, Deaths expected) {
        assertThat(parse("--deaths", text).deaths()).isEqualTo(expected);
        assertThat(parse().deaths()).isEqualTo(Deaths.CRASH);
    }

    @Test
    void shouldRunSilentDeathsWithTheFailureDetectorAndSayHowNodesDied(@TempDir Path out) {
        Result result = butter("testbed", "--nodes", "20", "--items", "5", "--chance-to-die", "1/10", "--grace", "1s",
            "--form", "1s", "--churn", "5s", "--settle", "1s", "--seed", "3", "--deaths", "silent",
            "--failure-detector", "--out", out.toString());

        assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
        assertThat(result.out()).contains("protocol=pcg-r3-5+fd", "deathMode=silent silent=", "bytes=", "msgs/node/s=");
    }
}
