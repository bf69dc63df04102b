package network.butter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code butter status|put|get|update|delete} against a {@code butter node} running in this JVM, as a user runs them. */
class ApiCommandsTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Pattern API_LINE = Pattern.compile("control API: http://127\\.0\\.0\\.1:(\\d+)/api/v1/");

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result butter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
            .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void shouldTellHowToGiveAnIdBeginningWithADash() throws Exception {
        String id = "-o" + "A".repeat(41);
        Path file = Files.writeString(dir.resolve("v2.txt"), "v2");
        Result get = butter("get", id, "--api", "127.0.0.1:1");
        Result update = butter("update", id, file.toString(), "--api", "127.0.0.1:1");

        assertThat(get.exitCode()).isEqualTo(2);
        assertThat(get.err()).contains("Content ids beginning with '-' (one in 64) must follow '--', which ends the "
            + "options: butter get [OPTIONS] -- " + id);
        assertThat(update.err()).contains("butter update [OPTIONS] -- " + id + " FILE");
        // No node listens at port 1 of loopback: with '--' the command gets as far as calling it (exit 3).
        assertThat(butter("get", "--api", "127.0.0.1:1", "--", id).exitCode()).isEqualTo(3);
        assertThat(butter("get", "--api", "127.0.0.1:1", "-o", "x").err()).doesNotContain("must follow '--'");
    }

    @Test
    void shouldStoreReadUpdateAndDeleteAFileThroughTheRunningNode() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ButterCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        Thread node = Thread.ofPlatform().name("butter-node-under-test")
            .start(() -> cli.execute("node", "--host", "127.0.0.1", "--port", "0", "--http-port", "0"));
        List<ButterNode> peers = new ArrayList<>();
        try {
            await().atMost(BOUND).until(() -> API_LINE.matcher(err.toString()).find());
            Matcher api = API_LINE.matcher(err.toString());
            assertThat(api.find()).isTrue();
            String apiAddress = "127.0.0.1:" + api.group(1);
            PeerAddress address = PeerAddress.parse(out.toString().lines().toList().get(1).substring("address: ".length()));
            for (int i = 0; i < 2; i++) {
                peers.add(Butter.node(cfg -> cfg.host("127.0.0.1").bootstrap(address.hostPort())).start());
            }
            await().atMost(BOUND).until(() -> butter("status", "--api", apiAddress).out().contains("known hosts: 2"));
            byte[] content = new byte[100_000];
            new SplittableRandom(11).nextBytes(content);
            Path file = Files.write(dir.resolve("in.bin"), content);

            Result put = butter("put", "--api", apiAddress, file.toString());
            assertThat(put.exitCode()).as(put.err()).isZero();
            String id = put.out().strip();
            Result get = butter("get", "--api", apiAddress, "-o", dir.resolve("out.bin").toString(), "--", id);
            assertThat(get.exitCode()).as(get.err()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(content);
            Result update = butter("update", "--api", apiAddress, "--json", "--", id, file.toString());
            assertThat(update.exitCode()).as(update.err()).isZero();
            assertThat(update.out()).contains("\"previous\":\"" + id + "\"");
            String next = update.out().replaceAll(".*\"id\":\"([^\"]+)\".*\\s*", "$1");

            assertThat(butter("delete", "--api", apiAddress, "--", next).exitCode()).isZero();
            Result gone = butter("get", "--api", apiAddress, "--", next);
            assertThat(gone.exitCode()).isEqualTo(ApiCommands.EXIT_NOT_FOUND);
            assertThat(gone.err()).startsWith("error: ");
        } finally {
            node.interrupt();
            peers.forEach(ButterNode::close);
            assertThat(node.join(BOUND)).isTrue();
        }
    }

    @Test
    void shouldServeTheApiOnAFreePortWhenTheDefaultOneIsTaken() throws Exception {
        int defaultPort = network.butter.control.ControlConfig.DEFAULT_PORT;
        java.net.ServerSocket holder = null;
        try {
            holder = new java.net.ServerSocket(defaultPort, 1, java.net.InetAddress.getLoopbackAddress());
        } catch (java.io.IOException takenAlready) {
            // something else on this machine holds it: the node must step aside all the same
        }
        try {
            StringWriter err = new StringWriter();
            CommandLine cli = ButterCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true));
            Thread node = Thread.ofPlatform().start(() -> cli.execute("node", "--host", "127.0.0.1", "--port", "0"));
            try {
                await().atMost(BOUND).until(() -> API_LINE.matcher(err.toString()).find());
                Matcher api = API_LINE.matcher(err.toString());
                assertThat(api.find()).isTrue();

                assertThat(err.toString()).contains("port " + defaultPort + " is taken");
                assertThat(Integer.parseInt(api.group(1))).isNotEqualTo(defaultPort);
                assertThat(butter("status", "--api", "127.0.0.1:" + api.group(1)).exitCode()).isZero();
            } finally {
                node.interrupt();
                assertThat(node.join(BOUND)).isTrue();
            }
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    @Test
    void shouldSayHowToStartANodeWhenNoneRuns() {
        Result status = butter("status", "--api", "127.0.0.1:1");

        assertThat(status.exitCode()).isEqualTo(ApiCommands.EXIT_NO_NODE);
        assertThat(status.err()).contains("no Butter node answers at 127.0.0.1:1", "butter node");
    }

    @Test
    void shouldRefuseAMalformedContentIdWithItsOwnExitCode() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = ButterCli.commandLine().setOut(new PrintWriter(new StringWriter(), true))
            .setErr(new PrintWriter(err, true));
        Thread node = Thread.ofPlatform().start(() -> cli.execute("node", "--host", "127.0.0.1", "--port", "0",
            "--http-port", "0"));
        try {
            await().atMost(BOUND).until(() -> API_LINE.matcher(err.toString()).find());
            Matcher api = API_LINE.matcher(err.toString());
            assertThat(api.find()).isTrue();

            Result bad = butter("get", "--api", "127.0.0.1:" + api.group(1), "not-an-id");

            assertThat(bad.exitCode()).isEqualTo(ApiCommands.EXIT_REFUSED);
            assertThat(bad.err()).contains("content id");
        } finally {
            node.interrupt();
            assertThat(node.join(BOUND)).isTrue();
        }
    }
}
