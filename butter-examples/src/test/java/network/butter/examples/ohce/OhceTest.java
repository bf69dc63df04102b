package network.butter.examples.ohce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Limits;
import network.butter.api.PeerUnreachableException;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OhceTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static NodeConfig loopback() {
        return NodeConfig.builder().host("127.0.0.1").build();
    }

    private static BufferedReader typed(String text) {
        return new BufferedReader(new StringReader(text));
    }

    private static List<String> lines(StringWriter written) {
        return written.toString().lines().toList();
    }

    @ParameterizedTest(name = "\"{0}\" reverses to \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
        hello        | olleh
        ''           | ''
        a            | a
        hello butter | rettub olleh
        """)
    void shouldReversePlainText(String text, String reversed) {
        assertThat(Ohce.reverse(text)).isEqualTo(reversed);
    }

    @Test
    void shouldKeepSurrogatePairsWhole() {
        String grinning = "\uD83D\uDE00";
        String reversed = Ohce.reverse("a" + grinning + "b\uD834\uDD1E");

        assertThat(reversed).isEqualTo("\uD834\uDD1Eb" + grinning + "a");
        assertThat(reversed.codePoints().filter(cp -> Character.getType(cp) == Character.SURROGATE))
            .as("lone surrogate halves").isEmpty();
    }

    @Test
    void shouldKeepCombiningAccentsOnTheirLetter() {
        assertThat(Ohce.reverse("he\u0301llo")).isEqualTo("olle\u0301h");
    }

    @Test
    void shouldKeepFlagsSkinTonesAndEmojiSequencesWhole() {
        String france = "\uD83C\uDDEB\uD83C\uDDF7";
        String germany = "\uD83C\uDDE9\uD83C\uDDEA";
        String thumbsUpMediumSkin = "\uD83D\uDC4D\uD83C\uDFFD";
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";

        assertThat(Ohce.reverse(france + germany)).isEqualTo(germany + france);
        assertThat(Ohce.reverse(thumbsUpMediumSkin + "ok")).isEqualTo("ko" + thumbsUpMediumSkin);
        assertThat(Ohce.reverse(family + "!")).isEqualTo("!" + family);
    }

    @Test
    void shouldReverseEachOthersMessagesBetweenTwoRealNodes() {
        try (ButterNode alice = Ohce.serve(Butter.node(loopback())).start();
             ButterNode bob = Ohce.serve(Butter.node(loopback())).start()) {

            assertThat(alice.requestBlocking(bob.address(), Ohce.ROUTE, "hello bob").text()).isEqualTo("bob olleh");
            assertThat(bob.requestBlocking(alice.address(), Ohce.ROUTE, "h\u00e9 \uD83D\uDE00").text())
                .isEqualTo("\uD83D\uDE00 \u00e9h");
        }
    }

    @Test
    void shouldPrintTheReplyToEveryLineTypedAndSkipEmptyLines() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (OhceApp server = OhceApp.start(loopback()); OhceApp client = OhceApp.start(loopback())) {

            int failures = client.chat(server.address(), typed("hello\n\nbutter \uD83D\uDE00\n"),
                new PrintWriter(out), new PrintWriter(err));

            assertThat(failures).isZero();
        }
        assertThat(lines(out)).containsExactly("olleh", "\uD83D\uDE00 rettub");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldReportAFailedLineAndCarryOnWithTheNext() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        NodeConfig tinyFrames = NodeConfig.builder().host("127.0.0.1")
            .limits(Limits.defaults().withMaxFrameBytes(1024)).storage(false).build();
        try (OhceApp server = OhceApp.start(loopback()); OhceApp client = OhceApp.start(tinyFrames)) {

            int failures = client.chat(server.address(), typed("x".repeat(2000) + "\nok\n"),
                new PrintWriter(out), new PrintWriter(err));

            assertThat(failures).isOne();
        }
        assertThat(lines(err)).singleElement().asString().startsWith("error: ").contains("2000");
        assertThat(lines(out)).containsExactly("ko");
    }

    @Test
    void shouldReportAnUnreachablePeerOncePerLineWithoutStopping() {
        PeerAddress gone;
        try (OhceApp server = OhceApp.start(loopback())) {
            gone = server.address();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (OhceApp client = OhceApp.start(loopback())) {

            int failures = client.chat(gone, typed("one\ntwo\n"), new PrintWriter(out), new PrintWriter(err));

            assertThat(failures).isEqualTo(2);
        }
        assertThat(lines(err)).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("error: ").contains("unreachable"));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldPrintItsAddressThenTalkUntilTheInputEnds() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (OhceApp server = OhceApp.start(loopback())) {

            int status = OhceApp.run(loopback(), server.address(), typed("abc\n"), new PrintWriter(out),
                new PrintWriter(err));

            assertThat(status).isZero();
        }
        List<String> printed = lines(out);
        assertThat(printed).hasSize(3);
        PeerAddress address = PeerAddress.parse(printed.get(1).substring("address: ".length()));
        assertThat(printed.get(0)).isEqualTo("peer id: " + address.id());
        assertThat(address.host()).isEqualTo("127.0.0.1");
        assertThat(printed.get(2)).isEqualTo("cba");
    }

    @Test
    void shouldExitWithStatusOneWhenALineFailed() {
        PeerAddress gone;
        try (OhceApp server = OhceApp.start(loopback())) {
            gone = server.address();
        }

        int status = OhceApp.run(loopback(), gone, typed("abc\n"), new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));

        assertThat(status).isOne();
    }

    @Test
    void shouldServeWithoutAPeerUntilInterruptedThenCloseItsNode() throws InterruptedException {
        StringWriter out = new StringWriter();
        AtomicInteger status = new AtomicInteger(-1);
        Thread app = Thread.ofPlatform().name("ohce-under-test").start(() -> status.set(
            OhceApp.run(loopback(), null, typed(""), new PrintWriter(out), new PrintWriter(new StringWriter()))));
        try (ButterNode caller = Butter.node(loopback()).start()) {
            await().atMost(BOUND).until(() -> out.toString().contains("address: "));
            PeerAddress served = PeerAddress.parse(lines(out).get(1).substring("address: ".length()));

            assertThat(caller.requestBlocking(served, Ohce.ROUTE, "still here").text()).isEqualTo("ereh llits");

            app.interrupt();
            assertThat(app.join(BOUND)).as("ohce stopped within %s", BOUND).isTrue();
            assertThat(status).hasValue(0);
            assertThatThrownBy(() -> caller.requestBlocking(served, Ohce.ROUTE, "gone?"))
                .isInstanceOf(PeerUnreachableException.class);
        } finally {
            app.interrupt();
        }
    }
}
