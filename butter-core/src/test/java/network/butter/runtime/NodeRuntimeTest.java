package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Limits;
import network.butter.api.NodeClosedException;
import network.butter.api.OverloadedException;
import network.butter.api.PayloadTooLargeException;
import network.butter.api.PeerUnreachableException;
import network.butter.api.PublicException;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.api.UnknownRouteException;
import network.butter.testing.CapturedLogs;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import network.butter.wire.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node runtime on a virtual clock and an in-memory network: every behaviour without a socket or a sleep. */
class NodeRuntimeTest {

    private static final long SEED = 20261123L;

    private MemoryNetwork net;
    private TestNode alice;
    private TestNode bob;

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    @BeforeEach
    void setUp() {
        net = new MemoryNetwork(SEED);
        alice = net.node();
        bob = net.node();
        bob.runtime().handle("echo", req -> Reply.of(req.payload()));
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    private CompletableFuture<Reply> request(TestNode from, TestNode to, String route, String text, long timeoutMs) {
        return from.runtime().request(to.address(), route, text.getBytes(StandardCharsets.UTF_8),
            Duration.ofMillis(timeoutMs));
    }

    @Test
    void shouldAnswerRequestWithHandlerReply() {
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "hi", 1000);
        net.time().advance(10);
        assertThat(reply.join().text()).isEqualTo("hi");
    }

    @Test
    void shouldCountRequestsAndRepliesOnBothSides() {
        request(alice, bob, "echo", "a", 1000);
        request(alice, bob, "nope", "b", 1000);
        net.time().advance(10);
        assertThat(alice.runtime().stats()).satisfies(stats -> {
            assertThat(stats.requestsSent()).isEqualTo(2);
            assertThat(stats.repliesReceived()).isEqualTo(2);
            assertThat(stats.requestsSentByRoute()).containsEntry("echo", 1L).containsEntry("nope", 1L);
        });
        assertThat(bob.runtime().stats()).satisfies(stats -> {
            assertThat(stats.requestsReceived()).isEqualTo(2);
            assertThat(stats.repliesSent()).isEqualTo(2);
            assertThat(stats.messages()).isEqualTo(4);
        });
    }

    @Test
    void shouldTellCallerTheRouteIsUnknown() {
        CompletableFuture<Reply> reply = request(alice, bob, "nope", "hi", 1000);
        net.time().advance(10);
        assertThat(failureOf(reply)).isInstanceOf(UnknownRouteException.class).hasMessageContaining("'nope'");
    }

    @Test
    void shouldReportAPublicExceptionsMessageToTheCaller() {
        bob.runtime().handle("broken", req -> {
            throw new PublicException("no such page: Foo", new IOException("/var/lib/wiki/Foo missing"));
        });
        try (CapturedLogs logs = CapturedLogs.of(IncomingCalls.class, Level.WARN)) {
            CompletableFuture<Reply> reply = request(alice, bob, "broken", "x", 1000);
            net.time().advance(10);
            assertThat(failureOf(reply)).isInstanceOfSatisfying(RemoteHandlerException.class, e -> {
                assertThat(e.remoteMessage()).isEqualTo("no such page: Foo");
                assertThat(e.incidentId()).isEmpty();
                assertThat(e.timedOut()).isFalse();
            });
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("/var/lib/wiki/Foo missing"));
        }
    }

    @Test
    void shouldHideAnInternalFailureFromTheCallerAndLogItUnderAnIncidentId() {
        bob.runtime().handle("broken", req -> {
            throw new IOException("/secret/path");
        });
        try (CapturedLogs logs = CapturedLogs.of(IncomingCalls.class, Level.WARN)) {
            CompletableFuture<Reply> reply = request(alice, bob, "broken", "x", 1000);
            net.time().advance(10);
            RemoteHandlerException failure = (RemoteHandlerException) failureOf(reply);
            assertThat(failure.remoteMessage()).startsWith("internal error (incident ")
                .doesNotContain("IOException").doesNotContain("/secret/path");
            assertThat(failure).hasMessageNotContaining("/secret/path").hasMessageNotContaining("IOException");
            assertThat(net.sent()).filteredOn(Frame.Failure.class::isInstance).map(Frame.Failure.class::cast)
                .singleElement()
                .satisfies(sent -> assertThat(sent.message()).doesNotContain("/secret/path", "IOException"));
            String incident = failure.incidentId().orElseThrow();
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                .contains("incident " + incident, "java.io.IOException: /secret/path"));
        }
    }

    @Test
    void shouldLogEveryIncidentButOnlyTheFirstStacksOfASecond() {
        bob.runtime().handle("broken", req -> {
            throw new IOException("/secret/path");
        });
        try (CapturedLogs logs = CapturedLogs.of(IncomingCalls.class, Level.WARN)) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                replies.add(request(alice, bob, "broken", "x", 1000));
            }
            net.time().advance(10);

            assertThat(logs.withThrowable()).isEqualTo(IncomingCalls.INCIDENT_STACKS_PER_SECOND);
            assertThat(replies).allSatisfy(reply -> {
                String incident = ((RemoteHandlerException) failureOf(reply)).incidentId().orElseThrow();
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("incident " + incident, "java.io.IOException: /secret/path"));
            });
        }
    }

    @Test
    void shouldReportNullReplyAsAnInternalHandlerFailure() {
        bob.runtime().handle("null", req -> null);
        CompletableFuture<Reply> reply = request(alice, bob, "null", "x", 1000);
        net.time().advance(10);
        assertThat(failureOf(reply)).isInstanceOfSatisfying(RemoteHandlerException.class,
            e -> assertThat(e.incidentId()).isPresent());
    }

    @Test
    void shouldTimeOutAndCancelTheRemoteHandlerWhenNoAnswerArrives() {
        bob.worker().hold();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 500);
        net.time().advance(499);
        assertThat(reply).isNotDone();
        net.time().advance(10);
        assertThat(failureOf(reply)).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("500 ms");
        assertThat(net.sent()).anyMatch(frame -> frame instanceof Frame.Cancel);
        assertThat(bob.worker().interrupted()).containsExactly("echo");
        assertThat(bob.runtime().isBusyWith(alice.address().id())).isFalse();
    }

    @Test
    void shouldStopHandlerThatOverrunsItsDeadlineAndSayItTimedOut() {
        TestNode strict = net.node(Limits.defaults().withMaxHandlerTime(Duration.ofMillis(200)));
        strict.runtime().handle("slow", req -> Reply.empty());
        strict.worker().hold();
        CompletableFuture<Reply> reply = request(alice, strict, "slow", "x", 5000);
        net.time().advance(250);
        assertThat(failureOf(reply)).isInstanceOfSatisfying(RemoteHandlerException.class,
            e -> assertThat(e.timedOut()).isTrue());
        assertThat(strict.worker().interrupted()).containsExactly("slow");
    }

    @Test
    void shouldRefuseRequestPayloadAboveFrameLimitWithoutSending() {
        byte[] big = new byte[alice.runtime().limits().maxFrameBytes()];
        CompletableFuture<Reply> reply = alice.runtime().request(bob.address(), "echo", big, Duration.ofSeconds(1));
        assertThat(failureOf(reply)).isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("exceeds");
        net.time().advance(10);
        assertThat(net.sent()).isEmpty();
    }

    @Test
    void shouldAnswerPayloadTooLargeWhenReplyDoesNotFitAFrame() {
        int max = bob.runtime().limits().maxFrameBytes();
        bob.runtime().handle("huge", req -> Reply.of(new byte[max]));
        CompletableFuture<Reply> reply = request(alice, bob, "huge", "x", 1000);
        net.time().advance(10);
        assertThat(failureOf(reply)).isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("reply of");
    }

    @Test
    void shouldQueueRequestsBeyondPerPeerLimitAndSendThemAsSlotsFree() {
        TestNode caller = net.node(Limits.defaults().withMaxInFlightPerPeer(2));
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(request(caller, bob, "echo", "m" + i, 1000));
        }
        net.time().runDue();
        assertThat(net.sent()).filteredOn(f -> f instanceof Frame.Request).hasSize(2);
        net.time().advance(20);
        assertThat(replies).allSatisfy(r -> assertThat(r).isCompleted());
        assertThat(replies.get(4).join().text()).isEqualTo("m4");
    }

    @Test
    void shouldRefuseCallerWhenPerPeerQueueIsFull() {
        TestNode caller = net.node(Limits.defaults().withMaxInFlightPerPeer(1).withMaxQueuedPerPeer(1));
        request(caller, bob, "echo", "a", 1000);
        request(caller, bob, "echo", "b", 1000);
        CompletableFuture<Reply> third = request(caller, bob, "echo", "c", 1000);
        net.time().runDue();
        assertThat(failureOf(third)).isInstanceOf(OverloadedException.class).hasMessageContaining("limits 1 and 1");
    }

    @Test
    void shouldAnswerOverloadedWhenPeerExceedsServerInFlightLimit() {
        TestNode server = net.node(Limits.defaults().withMaxInFlightPerPeer(1));
        server.runtime().handle("echo", req -> Reply.of(req.payload()));
        server.worker().hold();
        CompletableFuture<Reply> first = request(alice, server, "echo", "a", 1000);
        CompletableFuture<Reply> second = request(alice, server, "echo", "b", 1000);
        net.time().advance(10);
        assertThat(first).isNotDone();
        assertThat(failureOf(second)).isInstanceOf(OverloadedException.class).hasMessageContaining("limit 1");
        server.worker().release();
        net.time().advance(10);
        assertThat(first.join().text()).isEqualTo("a");
    }

    @Test
    void shouldFailInFlightRequestsWhenPeerIsLost() {
        bob.worker().hold();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 5000);
        net.time().advance(5);
        net.crash(bob.address().id());
        net.time().advance(5);
        assertThat(failureOf(reply)).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("reset");
    }

    @Test
    void shouldFailRequestToUnknownPeerAsUnreachable() {
        TestNode ghost = new MemoryNetwork(SEED + 1).node();
        CompletableFuture<Reply> reply = request(alice, ghost, "echo", "x", 5000);
        net.time().advance(10);
        assertThat(failureOf(reply)).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("refused");
    }

    @Test
    void shouldIgnoreAnswerFromAPeerTheRequestWasNotSentTo() {
        bob.worker().hold();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 1000);
        net.time().advance(5);
        int requestId = net.sent().stream().filter(f -> f instanceof Frame.Request)
            .map(f -> ((Frame.Request) f).requestId()).findFirst().orElseThrow();
        TestNode mallory = net.node();
        mallory.transport().send(alice.address(), new Frame.Response(requestId, "forged".getBytes(StandardCharsets.UTF_8)));
        net.time().advance(5);
        assertThat(reply).isNotDone();
        bob.worker().release();
        net.time().advance(5);
        assertThat(reply.join().text()).isEqualTo("x");
    }

    @Test
    void shouldRejectRequestToItself() {
        assertThatThrownBy(() -> request(alice, alice, "echo", "x", 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
    }

    @Test
    void shouldRejectInvalidRouteNames() {
        assertThatThrownBy(() -> alice.runtime().handle("has space", req -> Reply.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
        assertThatThrownBy(() -> request(alice, bob, "", "x", 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void shouldDrainInFlightRequestsOnShutdownThenCloseTransport() {
        bob.worker().hold();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 5000);
        net.time().advance(5);
        CompletableFuture<Void> closed = bob.runtime().shutdown(Duration.ofSeconds(2));
        CompletableFuture<Reply> late = request(alice, bob, "echo", "y", 5000);
        net.time().advance(5);
        assertThat(failureOf(late)).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("shutting down");
        assertThat(closed).isNotDone();
        bob.worker().release();
        net.time().advance(5);
        assertThat(reply.join().text()).isEqualTo("x");
        assertThat(closed).isCompleted();
        assertThat(bob.transport().closed()).isTrue();
    }

    @Test
    void shouldAbandonWorkWhenShutdownGraceExpires() {
        bob.worker().hold();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 5000);
        net.time().advance(5);
        CompletableFuture<Void> closed = bob.runtime().shutdown(Duration.ofMillis(100));
        net.time().advance(110);
        assertThat(closed).isCompleted();
        assertThat(bob.worker().interrupted()).contains("echo");
        assertThat(failureOf(reply)).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("closed before");
    }

    @Test
    void shouldRefuseNewRequestsOnceShuttingDownAndTolerateSecondShutdown() {
        CompletableFuture<Void> first = alice.runtime().shutdown(Duration.ofSeconds(1));
        CompletableFuture<Void> second = alice.runtime().shutdown(Duration.ofSeconds(1));
        assertThat(second).isSameAs(first);
        net.time().advance(5);
        assertThat(first).isCompleted();
        CompletableFuture<Reply> reply = request(alice, bob, "echo", "x", 1000);
        net.time().advance(5);
        assertThat(failureOf(reply)).isInstanceOf(NodeClosedException.class);
    }

    @Test
    void shouldRunPeriodicBehaviourEveryPeriodAfterARandomFirstDelay() {
        List<Long> runs = new ArrayList<>();
        alice.runtime().every(Duration.ofMillis(100), node -> runs.add(net.time().nowMs()));
        net.time().advance(1000);
        assertThat(runs).hasSizeBetween(9, 10);
        assertThat(runs.get(0)).isBetween(1L, 100L);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i) - runs.get(i - 1)).isEqualTo(100L);
        }
    }

    @Test
    void shouldKeepRunningPeriodicBehaviourAfterARoundThrows() {
        AtomicInteger rounds = new AtomicInteger();
        alice.runtime().every(Duration.ofMillis(100), node -> {
            rounds.incrementAndGet();
            throw new IllegalStateException("flaky");
        });
        net.time().advance(1000);
        assertThat(rounds.get()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void shouldStopPeriodicBehaviourWhenCancelled() {
        AtomicInteger rounds = new AtomicInteger();
        var handle = alice.runtime().every(Duration.ofMillis(100), node -> rounds.incrementAndGet());
        net.time().advance(500);
        handle.cancel();
        int before = rounds.get();
        net.time().advance(1000);
        assertThat(rounds.get()).isEqualTo(before);
    }

    @Test
    void shouldInterruptLongRunningBehaviourOnShutdown() {
        alice.worker().hold();
        alice.runtime().spawn("forever", node -> { });
        net.time().advance(5);
        alice.runtime().shutdown(Duration.ofSeconds(1));
        net.time().advance(5);
        assertThat(alice.worker().interrupted()).contains("forever");
    }

    @Test
    void shouldRunTheSameWayTwiceFromOneSeed() {
        assertThat(traceOf(SEED)).isEqualTo(traceOf(SEED));
    }

    private List<String> traceOf(long seed) {
        MemoryNetwork network = new MemoryNetwork(seed);
        TestNode a = network.node();
        TestNode b = network.node();
        b.runtime().handle("echo", req -> Reply.of(req.payload()));
        List<String> trace = new ArrayList<>();
        a.runtime().every(Duration.ofMillis(70), node -> trace.add("tick@" + network.time().nowMs()));
        for (int i = 0; i < 5; i++) {
            a.runtime().request(b.address(), "echo", new byte[] {(byte) i}, Duration.ofSeconds(1))
                .thenAccept(r -> trace.add("reply " + r.payload()[0] + "@" + network.time().nowMs()));
        }
        network.time().advance(500);
        network.sent().forEach(f -> trace.add(f.toString()));
        return trace;
    }
}
