package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.NodeClosedException;
import network.butter.api.OverloadedException;
import network.butter.api.PayloadTooLargeException;
import network.butter.api.PublicException;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.testing.CapturedLogs;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event-loop opt-ins, {@code handleOnLoop} and {@code requestOnLoop}: answered and told on the loop with no worker
 * task at all (every worker here is held, so anything that needed one would never finish), with the same limits,
 * failures and timeouts as the default API.
 */
class LoopRoutesTest {

    private static final long SEED = 20261130L;

    private MemoryNetwork net;
    private TestNode alice;
    private TestNode bob;
    private final List<Reply> replies = new ArrayList<>();
    private final List<ButterException> failures = new ArrayList<>();

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    @BeforeEach
    void setUp() {
        net = new MemoryNetwork(SEED);
        alice = net.node();
        bob = net.node();
        bob.runtime().handleOnLoop("echo", req -> Reply.of(req.payload()));
        alice.worker().hold();
        bob.worker().hold();
    }

    private void requestOnLoop(TestNode from, TestNode to, String route, String text, long timeoutMs) {
        from.runtime().requestOnLoop(to.address(), route, text.getBytes(StandardCharsets.UTF_8),
            Duration.ofMillis(timeoutMs), (reply, failure) -> {
                if (failure != null) {
                    failures.add(failure);
                } else {
                    replies.add(reply);
                }
            });
    }

    @Test
    void shouldAnswerALoopRouteAndTellTheListenerWithoutAnyWorkerTask() {
        requestOnLoop(alice, bob, "echo", "hi", 1000);
        net.time().advance(10);

        assertThat(replies).extracting(Reply::text).containsExactly("hi");
        assertThat(failures).isEmpty();
        assertThat(alice.runtime().stats().repliesReceived()).isEqualTo(1);
        assertThat(bob.runtime().stats().repliesSent()).isEqualTo(1);
    }

    @Test
    void shouldServeALoopRouteToTheDefaultApiToo() {
        alice.worker().release();
        CompletableFuture<Reply> reply = alice.runtime().request(bob.address(), "echo",
            "hello".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
        net.time().advance(10);

        assertThat(reply).isCompleted();
        assertThat(reply.join().text()).isEqualTo("hello");
    }

    @Test
    void shouldReportALoopHandlersPublicFailureAndHideAnInternalOne() {
        bob.runtime().handleOnLoop("public", req -> {
            throw new PublicException("no such thing");
        });
        bob.runtime().handleOnLoop("internal", req -> {
            throw new IllegalStateException("secret path /etc/x");
        });
        bob.runtime().handleOnLoop("null", req -> null);
        try (CapturedLogs logs = CapturedLogs.of(IncomingCalls.class, Level.WARN)) {
            requestOnLoop(alice, bob, "public", "x", 1000);
            requestOnLoop(alice, bob, "internal", "x", 1000);
            requestOnLoop(alice, bob, "null", "x", 1000);
            net.time().advance(10);
            assertThat(logs.lines()).anyMatch(line -> line.contains("incident"));
        }

        assertThat(failures).hasSize(3).allMatch(RemoteHandlerException.class::isInstance);
        assertThat(failures.get(0)).hasMessageContaining("no such thing");
        assertThat(failures.get(1).getMessage()).doesNotContain("secret").contains("incident");
        assertThat(((RemoteHandlerException) failures.get(2)).incidentId()).isPresent();
        assertThat(replies).isEmpty();
    }

    @Test
    void shouldAnswerPayloadTooLargeWhenALoopHandlersReplyDoesNotFitAFrame() {
        int max = bob.runtime().limits().maxFrameBytes();
        bob.runtime().handleOnLoop("huge", req -> Reply.of(new byte[max]));
        requestOnLoop(alice, bob, "huge", "x", 1000);
        net.time().advance(10);

        assertThat(failures).singleElement().isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void shouldRefuseALoopRouteToAPeerAtItsInFlightLimit() {
        TestNode server = net.node(Limits.defaults().withMaxInFlightPerPeer(1));
        server.runtime().handle("slow", req -> Reply.empty());
        server.runtime().handleOnLoop("echo", req -> Reply.of(req.payload()));
        server.worker().hold();
        requestOnLoop(alice, server, "slow", "a", 1000);
        net.time().advance(5);
        requestOnLoop(alice, server, "echo", "b", 1000);
        net.time().advance(5);

        assertThat(failures).singleElement().isInstanceOf(OverloadedException.class);
        assertThat(failures.get(0)).hasMessageContaining("limit 1");
    }

    @Test
    void shouldLetTheLatestRegistrationOfARouteDecideWhereItRuns() {
        bob.runtime().handle("echo", req -> Reply.text("from a virtual thread"));
        requestOnLoop(alice, bob, "echo", "x", 1000);
        net.time().advance(10);
        assertThat(replies).isEmpty(); // the handler waits for bob's held worker

        bob.runtime().handleOnLoop("echo", req -> Reply.text("from the loop"));
        requestOnLoop(alice, bob, "echo", "y", 1000);
        net.time().advance(10);
        assertThat(replies).extracting(Reply::text).containsExactly("from the loop");
    }

    @Test
    void shouldTellTheListenerOfATimeoutAndCancelTheRemoteHandler() {
        bob.runtime().handle("slow", req -> Reply.empty());
        requestOnLoop(alice, bob, "slow", "x", 500);
        net.time().advance(499);
        assertThat(failures).isEmpty();
        net.time().advance(10);

        assertThat(failures).singleElement().isInstanceOf(RequestTimeoutException.class);
        assertThat(failures.get(0)).hasMessageContaining("500 ms");
        assertThat(bob.worker().interrupted()).containsExactly("slow");
    }

    @Test
    void shouldTellTheListenerAPayloadIsTooLargeWithoutSendingIt() {
        requestOnLoop(alice, bob, "echo", "x".repeat(alice.runtime().limits().maxFrameBytes()), 1000);
        net.time().advance(10);

        assertThat(failures).singleElement().isInstanceOf(PayloadTooLargeException.class);
        assertThat(net.sent()).isEmpty();
    }

    @Test
    void shouldTellTheListenerTheNodeIsShuttingDown() {
        alice.runtime().shutdown(Duration.ZERO);
        net.time().advance(1);
        requestOnLoop(alice, bob, "echo", "x", 1000);
        net.time().advance(10);

        assertThat(failures).singleElement().isInstanceOf(NodeClosedException.class);
    }

    @Test
    void shouldKeepServingWhenAListenerThrows() {
        try (CapturedLogs logs = CapturedLogs.of(OutgoingCalls.class, Level.WARN)) {
            alice.runtime().requestOnLoop(bob.address(), "echo", new byte[1], Duration.ofSeconds(1), (reply, failure) -> {
                throw new IllegalStateException("listener bug");
            });
            net.time().advance(10);
            assertThat(logs.lines()).anyMatch(line -> line.contains("reply listener failed"));
        }
        requestOnLoop(alice, bob, "echo", "after", 1000);
        net.time().advance(10);

        assertThat(replies).extracting(Reply::text).containsExactly("after");
    }

    @Test
    void shouldSendTheNextRequestFromAListenerAtOnce() {
        alice.runtime().requestOnLoop(bob.address(), "echo", new byte[1], Duration.ofSeconds(1),
            (reply, failure) -> requestOnLoop(alice, bob, "echo", "second", 1000));
        net.time().advance(10);

        assertThat(replies).extracting(Reply::text).containsExactly("second");
    }

    @Test
    void shouldRejectAnInvalidRouteOrARequestToItselfAtOnce() {
        assertThatThrownBy(() -> requestOnLoop(alice, bob, "bad route", "x", 1000))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> requestOnLoop(alice, alice, "echo", "x", 1000))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bob.runtime().handleOnLoop("bad route", req -> Reply.empty()))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
