package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.PeerBudget;
import network.butter.api.RateLimitedException;
import network.butter.api.Reply;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Built-in protocol routes under the same per-peer limits as application routes: the in-flight limit, and a rate
 * budget per peer and route on the loop clock, so that one peer cannot make the node do unbounded loop work.
 */
class ProtocolRouteLimitsTest {

    private static final long SEED = 777L;
    private static final String PING = "test/ping";

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private MemoryNetwork net;
    private TestNode flooder;
    private TestNode carol;

    /** Serves {@value #PING} on the loop and counts the requests it served from each peer. */
    private static final class Pinged implements Protocol {
        final Map<PeerId, Integer> served = new HashMap<>();

        @Override
        public String name() {
            return "pinged";
        }

        @Override
        public void start(ProtocolContext context) {
            context.handle(PING, request -> {
                served.merge(request.from().id(), 1, Integer::sum);
                return Reply.empty();
            });
        }

        @Override
        public void stop() {
        }

        int from(TestNode node) {
            return served.getOrDefault(node.address().id(), 0);
        }
    }

    @BeforeEach
    void setUp() {
        net = new MemoryNetwork(SEED);
        flooder = net.node();
        carol = net.node();
    }

    private Pinged serving(TestNode node) {
        Pinged pinged = new Pinged();
        node.runtime().install(pinged);
        net.time().runDue();
        return pinged;
    }

    /** Sends raw REQUEST frames straight from the flooder's transport, past its own runtime's limits. */
    private void flood(TestNode target, int count, int firstId) {
        for (int i = 0; i < count; i++) {
            flooder.transport().send(target.address(), new Frame.Request(firstId + i, 5_000, PING, new byte[0]));
        }
    }

    private List<Frame.Failure> failures(ErrorCode code) {
        return net.sent().stream().filter(Frame.Failure.class::isInstance).map(Frame.Failure.class::cast)
            .filter(failure -> failure.code() == code).toList();
    }

    private CompletableFuture<Reply> ping(TestNode from, TestNode to) {
        return from.runtime().request(to.address(), PING, "x".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
    }

    private CompletableFuture<Reply> slow(TestNode from, TestNode to) {
        return from.runtime().request(to.address(), "slow", new byte[0], Duration.ofSeconds(5));
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

    @Test
    void shouldRateLimitAPeerFloodingAProtocolRoute() {
        TestNode bob = net.node();
        Pinged pinged = serving(bob);
        int burst = PeerBudget.defaults().routeBurstRequests();

        flood(bob, 10_000, 1);
        List<CompletableFuture<Reply>> carols = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            carols.add(ping(carol, bob));
        }
        net.time().advance(10);

        assertThat(pinged.from(flooder)).isEqualTo(burst);
        List<Frame.Failure> limited = failures(ErrorCode.RATE_LIMITED);
        assertThat(limited).hasSize(10_000 - burst);
        assertThat(limited.get(0).message()).contains("'" + PING + "'", "requests/s", "retry after");
        assertThat(carols).allSatisfy(reply -> assertThat(reply).isCompleted().isNotCompletedExceptionally());
        assertThat(pinged.from(carol)).isEqualTo(10);
    }

    @Test
    void shouldAdmitAFloodingPeerAgainAsItsBudgetRefillsOnTheLoopClock() {
        TestNode bob = net.node(Limits.defaults(), PeerBudget.defaults().withRouteRequestsPerSecond(100)
            .withRouteBurstRequests(100));
        Pinged pinged = serving(bob);

        flood(bob, 1_000, 1);
        net.time().advance(10);
        assertThat(pinged.from(flooder)).isEqualTo(100);

        net.time().advance(490);
        flood(bob, 1_000, 1_001);
        net.time().advance(10);
        assertThat(pinged.from(flooder)).as("half a second at 100 requests/s").isEqualTo(150);
        assertThat(failures(ErrorCode.RATE_LIMITED)).hasSize(2_000 - 150);
    }

    @Test
    void shouldReportRateLimitingToTheCallerAsRateLimitedExceptionWithTheRetryDelay() {
        TestNode bob = net.node(Limits.defaults(), PeerBudget.defaults().withRouteRequestsPerSecond(1)
            .withRouteBurstRequests(2));
        serving(bob);

        CompletableFuture<Reply> first = ping(carol, bob);
        CompletableFuture<Reply> second = ping(carol, bob);
        CompletableFuture<Reply> third = ping(carol, bob);
        net.time().advance(10);

        assertThat(first).isCompleted().isNotCompletedExceptionally();
        assertThat(second).isCompleted().isNotCompletedExceptionally();
        assertThat(failureOf(third)).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e).hasMessageContaining(PING).hasMessageContaining("1 requests/s (burst 2)");
            assertThat(e.retryAfterMs()).hasValue(1_000);
        });
    }

    @Test
    void shouldBoundProtocolRouteInFlightPerPeer() {
        TestNode bob = net.node(Limits.defaults().withMaxInFlightPerPeer(2));
        bob.runtime().handle("slow", request -> Reply.empty());
        Pinged pinged = serving(bob);
        bob.worker().hold();

        CompletableFuture<Reply> slow1 = slow(flooder, bob);
        CompletableFuture<Reply> slow2 = slow(flooder, bob);
        net.time().advance(10);
        CompletableFuture<Reply> pingAtLimit = ping(flooder, bob);
        CompletableFuture<Reply> carolsPing = ping(carol, bob);
        net.time().advance(10);

        assertThat(failureOf(pingAtLimit)).isInstanceOf(OverloadedException.class)
            .hasMessageContaining("2 requests from this peer are already being handled (limit 2)");
        assertThat(pinged.from(flooder)).isZero();
        assertThat(carolsPing).isCompleted().isNotCompletedExceptionally();

        bob.worker().release();
        net.time().advance(10);
        assertThat(slow1).isCompleted().isNotCompletedExceptionally();
        assertThat(slow2).isCompleted().isNotCompletedExceptionally();
        CompletableFuture<Reply> pingAfter = ping(flooder, bob);
        net.time().advance(10);
        assertThat(pingAfter).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void shouldKeepRateLimitStateForAtMostTheTrackedPeersLeastRecentlyActiveDroppedFirst() {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(1, 1, 2));
        PeerId first = flooder.address().id();
        PeerId second = carol.address().id();
        PeerId third = net.node().address().id();

        assertThat(limiter.acquire(first, PING, 0)).isZero();
        assertThat(limiter.acquire(second, PING, 0)).isZero();
        assertThat(limiter.acquire(first, PING, 0)).as("first is out of tokens").isPositive();
        assertThat(limiter.acquire(third, PING, 0)).isZero();

        assertThat(limiter.trackedPeers()).isEqualTo(2);
        assertThat(limiter.acquire(first, PING, 0)).as("first was active more recently than second: still limited")
            .isPositive();
        assertThat(limiter.acquire(second, PING, 0)).as("second was dropped and starts afresh").isZero();
        assertThat(limiter.trackedPeers()).isEqualTo(2);
    }
}
