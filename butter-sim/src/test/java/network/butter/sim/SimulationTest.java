package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Limits;
import network.butter.api.NodeStats;
import network.butter.api.PeerUnreachableException;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.api.RouteTraffic;
import network.butter.identity.PeerId;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimulationTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final Duration SECOND = Duration.ofSeconds(1);

    private SimNode echoNode(Simulation sim) {
        return sim.spawn(node -> node.handle("echo", req -> Reply.of(req.payload())));
    }

    private static CompletableFuture<Reply> echo(SimNode from, SimNode to, String text, Duration timeout) {
        return from.node().request(to.address(), "echo", text.getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static Throwable failureOf(Simulation sim, CompletableFuture<?> future) {
        sim.runUntil(future::isDone, Duration.ofMinutes(1));
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** A small but busy scenario: requests in all directions, a crash, a restart, a partition. */
    private long traceOf(long seed) {
        Simulation sim = Simulation.builder().seed(seed).faults(Faults.lan().withLoss(0.01)).build();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            nodes.add(echoNode(sim));
        }
        for (SimNode node : nodes) {
            node.node().every(Duration.ofMillis(200), self -> {
                SimNode peer = nodes.get((node.index() * 7 + (int) (sim.nowMs() / 200)) % nodes.size());
                if (peer != node) {
                    self.request(peer.address(), "echo", new byte[] {(byte) node.index()}, SECOND);
                }
            });
        }
        sim.runFor(Duration.ofSeconds(2));
        nodes.get(3).crash();
        sim.partition(nodes.subList(0, 10), nodes.subList(10, 20));
        sim.runFor(Duration.ofSeconds(2));
        sim.heal();
        nodes.get(3).restart();
        sim.runFor(Duration.ofSeconds(2));
        return sim.traceHash();
    }

    /** Requests in all directions, one node crashing and one vanishing; the trace, and the two dead nodes. */
    private record ChurnedRun(long trace, SimNode crashed, SimNode vanished) {
    }

    private ChurnedRun churnedRun(long seed, boolean forgetDeadNodes) {
        Simulation sim = Simulation.builder().seed(seed).forgetDeadNodes(forgetDeadNodes).build();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            nodes.add(echoNode(sim));
        }
        for (SimNode node : nodes) {
            node.node().every(Duration.ofMillis(200), self -> {
                SimNode peer = nodes.get((node.index() * 7 + (int) (sim.nowMs() / 200)) % nodes.size());
                if (peer != node) {
                    self.request(peer.address(), "echo", new byte[] {(byte) node.index()}, SECOND);
                }
            });
        }
        sim.runFor(Duration.ofSeconds(2));
        nodes.get(3).crash();
        nodes.get(5).vanish();
        sim.runFor(Duration.ofSeconds(4));
        return new ChurnedRun(sim.traceHash(), nodes.get(3), nodes.get(5));
    }

    @Test
    void shouldRunTheSameTraceWhenForgettingDeadNodesAndDropTheirRuntimesAndRefuseToRestartThem() {
        long seed = sims.seed();
        ChurnedRun kept = churnedRun(seed, false);
        ChurnedRun forgotten = churnedRun(seed, true);

        assertThat(forgotten.trace()).as("seed " + seed).isEqualTo(kept.trace());
        assertThat(kept.crashed().node()).isNotNull();
        assertThat(forgotten.crashed().node()).isNull();
        assertThat(forgotten.vanished().node()).isNull();
        assertThat(forgotten.vanished().multicast()).isNull();
        assertThatThrownBy(() -> forgotten.crashed().restart()).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot restart");
    }

    /** A node whose setup keeps what it built, as a testbed's keeps the application, and a weak handle on that. */
    private record Keeping(SimNode node, WeakReference<Object> application) {
    }

    private static Keeping spawnKeepingAnApplication(Simulation sim) {
        Object application = new Object();
        SimNode node = sim.spawn(Limits.defaults(), (self, api) -> Objects.requireNonNull(application));
        return new Keeping(node, new WeakReference<>(application));
    }

    @Test
    void shouldLetGoOfWhatItsSetupHeldOnceAForgottenNodeDies() {
        Simulation sim = Simulation.builder().seed(sims.seed()).forgetDeadNodes(true).build();
        Keeping kept = spawnKeepingAnApplication(sim);
        sim.runFor(Duration.ofSeconds(1));

        kept.node().crash();
        for (int collections = 0; collections < 20 && kept.application().get() != null; collections++) {
            System.gc();
        }
        assertThat(kept.application().get()).as("the dead node's application, after 20 collections").isNull();
    }

    @Test
    void shouldProduceTheSameTraceFromTheSameSeedAndAnotherFromAnotherSeed() {
        long seed = sims.seed();
        assertThat(traceOf(seed)).isEqualTo(traceOf(seed));
        assertThat(traceOf(seed + 1)).isNotEqualTo(traceOf(seed));
    }

    @Test
    void shouldGiveNodesTheSameKeysFromTheSameSeedWhenMadeAheadAndOthersThanTheMainStreamGives() {
        long seed = sims.seed();
        List<PeerId> ahead = idsOfSpawned(Simulation.builder().seed(seed).makeKeysAhead(true).build(), 30);

        assertThat(idsOfSpawned(Simulation.builder().seed(seed).makeKeysAhead(true).build(), 30)).as("seed %d", seed)
            .isEqualTo(ahead);
        assertThat(idsOfSpawned(Simulation.builder().seed(seed).build(), 30)).as("seed %d", seed)
            .isEqualTo(idsOfSpawned(Simulation.builder().seed(seed).build(), 30))
            .doesNotContainAnyElementsOf(ahead);
    }

    private static List<PeerId> idsOfSpawned(Simulation sim, int nodes) {
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ids.add(sim.spawn().id());
        }
        return ids;
    }

    @Test
    void shouldCarryRequestsThroughTheRealCodecInVirtualTime() {
        Simulation sim = sims.create(Faults.lan().withLatency(Latency.fixed(5)));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        CompletableFuture<Reply> reply = echo(alice, bob, "hi", SECOND);
        assertThat(sim.await(reply, SECOND).text()).isEqualTo("hi");
        assertThat(sim.nowMs()).isEqualTo(10);
        assertThat(sim.networkStats().delivered()).isEqualTo(2);
        assertThat(alice.node().stats().requestsSent()).isEqualTo(1);
    }

    @Test
    void shouldLoseMessagesAtTheConfiguredRate() {
        double loss = 0.2;
        Simulation sim = sims.create(Faults.lan().withLoss(loss));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        int requests = 5_000;
        for (int batch = 0; batch < requests / 50; batch++) {
            for (int i = 0; i < 50; i++) {
                echo(alice, bob, "x", SECOND);
            }
            sim.runFor(Duration.ofMillis(1100));
        }
        NetworkStats stats = sim.networkStats();
        // Each message is lost independently with p = 0.2: the count is binomial; allow 5 standard deviations.
        double expected = stats.sent() * loss;
        double sigma = Math.sqrt(stats.sent() * loss * (1 - loss));
        assertThat((double) stats.lost()).isBetween(expected - 5 * sigma, expected + 5 * sigma);
        // A request survives only if it and its reply both get through: (1 - p)^2 of them.
        long answered = alice.node().stats().repliesReceived();
        double expectedAnswered = requests * (1 - loss) * (1 - loss);
        double answeredSigma = Math.sqrt(requests * 0.64 * 0.36);
        assertThat((double) answered).isBetween(expectedAnswered - 5 * answeredSigma, expectedAnswered + 5 * answeredSigma);
    }

    @Test
    void shouldDuplicateMessagesAtTheConfiguredRateWithoutConfusingTheRuntime() {
        double duplication = 0.3;
        Simulation sim = sims.create(Faults.lan().withDuplication(duplication));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            replies.add(echo(alice, bob, "m" + i, SECOND));
            if (i % 50 == 49) {
                sim.runFor(Duration.ofMillis(100));
            }
        }
        sim.runFor(Duration.ofSeconds(1));
        NetworkStats stats = sim.networkStats();
        double expected = stats.sent() * duplication;
        double sigma = Math.sqrt(stats.sent() * duplication * (1 - duplication));
        assertThat((double) stats.duplicated()).isBetween(expected - 5 * sigma, expected + 5 * sigma);
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).join().text()).isEqualTo("m" + i);
        }
    }

    @Test
    void shouldKeepLatencyAboveItsFloorAndNearItsMean() {
        Simulation sim = sims.create(Faults.lan().withLatency(new Latency(10, 40, 15)));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        long total = 0;
        int rounds = 300;
        for (int i = 0; i < rounds; i++) {
            long start = sim.nowMs();
            sim.await(echo(alice, bob, "x", SECOND), SECOND);
            long roundTrip = sim.nowMs() - start;
            assertThat(roundTrip).isGreaterThanOrEqualTo(20);
            total += roundTrip;
        }
        // Round trip = two draws around 40 ms (floor 10, sd 15, FIFO per link): the mean lands near 80 ms.
        assertThat(total / (double) rounds).isBetween(72.0, 88.0);
    }

    @Test
    void shouldDropMessagesAcrossAPartitionUntilHealed() {
        Simulation sim = sims.create(Faults.lan());
        SimNode a = echoNode(sim);
        SimNode b = echoNode(sim);
        SimNode c = echoNode(sim);
        sim.partition(List.of(a, b), List.of(c));
        assertThat(sim.await(echo(a, b, "same side", SECOND), SECOND).text()).isEqualTo("same side");
        assertThat(failureOf(sim, echo(a, c, "across", Duration.ofMillis(500)))).isInstanceOf(RequestTimeoutException.class);
        sim.heal();
        assertThat(sim.await(echo(a, c, "healed", SECOND), SECOND).text()).isEqualTo("healed");
        assertThat(sim.networkStats().blocked()).as("the request across and its CANCEL").isEqualTo(2);
    }

    @Test
    void shouldDropMessagesOnABlockedLinkOnly() {
        Simulation sim = sims.create(Faults.lan());
        SimNode a = echoNode(sim);
        SimNode b = echoNode(sim);
        SimNode c = echoNode(sim);
        sim.block(a, b);
        assertThat(failureOf(sim, echo(a, b, "x", Duration.ofMillis(300)))).isInstanceOf(RequestTimeoutException.class);
        assertThat(sim.await(echo(a, c, "y", SECOND), SECOND).text()).isEqualTo("y");
        sim.unblock(a, b);
        assertThat(sim.await(echo(a, b, "z", SECOND), SECOND).text()).isEqualTo("z");
    }

    @Test
    void shouldFailInFlightRequestsWhenTheServerCrashesAndRefuseNewOnes() {
        Simulation sim = sims.create(Faults.lan().withLatency(Latency.fixed(5)));
        SimNode slow = sim.spawn(node -> node.handle("slow", req -> {
            throw new AssertionError("never reached: the crash comes first");
        }));
        SimNode alice = sim.spawn();
        CompletableFuture<Reply> inFlight = alice.node().request(slow.address(), "slow", new byte[0], Duration.ofSeconds(30));
        sim.runFor(Duration.ofMillis(2));
        slow.crash();
        Throwable reset = failureOf(sim, inFlight);
        assertThat(reset).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("reset");
        assertThat(sim.nowMs()).isLessThan(100);
        Throwable refused = failureOf(sim, alice.node().request(slow.address(), "slow", new byte[0], SECOND));
        assertThat(refused).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("refused");
    }

    @Test
    void shouldRestartACrashedNodeWithItsIdentityAndRoutes() {
        Simulation sim = sims.create(Faults.lan());
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        sim.await(echo(alice, bob, "before", SECOND), SECOND);
        bob.crash();
        assertThat(bob.running()).isFalse();
        sim.runFor(Duration.ofMillis(100));
        bob.restart();
        assertThat(bob.running()).isTrue();
        assertThat(sim.await(echo(alice, bob, "after", SECOND), SECOND).text()).isEqualTo("after");
        assertThatThrownBy(bob::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
    }

    @Test
    void shouldFailARequestSentOnTheConnectionToACrashedIncarnation() {
        Simulation sim = sims.create(Faults.lan().withLatency(Latency.fixed(5)));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        sim.await(echo(alice, bob, "before", SECOND), SECOND);
        bob.crash();
        bob.restart();
        Throwable failure = failureOf(sim, echo(alice, bob, "too soon", SECOND));
        assertThat(failure).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("reset");
        assertThat(sim.await(echo(alice, bob, "again", SECOND), SECOND).text()).isEqualTo("again");
    }

    @Test
    void shouldLetRequestsToASilentlyDeadNodeTimeOutWithoutResetOrRefusal() {
        Simulation sim = sims.create(Faults.lan().withLatency(Latency.fixed(5)));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        sim.await(echo(alice, bob, "before", SECOND), SECOND);
        CompletableFuture<Reply> inFlight = alice.node().request(bob.address(), "echo", new byte[0], Duration.ofSeconds(3));
        bob.vanish();
        Throwable unanswered = failureOf(sim, inFlight);
        assertThat(unanswered).isInstanceOf(RequestTimeoutException.class);
        assertThat(sim.nowMs()).as("no reset cut the wait short").isGreaterThanOrEqualTo(3000);
        Throwable again = failureOf(sim, echo(alice, bob, "anyone?", SECOND));
        assertThat(again).as("no refusal either").isInstanceOf(RequestTimeoutException.class);
        assertThat(sim.networkStats().vanished()).isPositive();
        assertThat(sim.networkStats().refused()).isZero();
        assertThat(bob.dark()).isTrue();
    }

    @Test
    void shouldTimeOutADialToASilentlyDeadNodesAddress() {
        Simulation sim = sims.create(Faults.lan());
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        bob.vanish();
        long start = sim.nowMs();
        Throwable dial = failureOf(sim, alice.node().connect(bob.address().hostPort()));
        assertThat(dial).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("timed out");
        assertThat(sim.nowMs() - start).isGreaterThanOrEqualTo(SimTransport.DIAL_TIMEOUT_MS);
    }

    @Test
    void shouldResetAConnectionToASilentlyDeadIncarnationOnceTheNodeIsBack() {
        Simulation sim = sims.create(Faults.lan().withLatency(Latency.fixed(5)));
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        sim.await(echo(alice, bob, "before", SECOND), SECOND);
        bob.vanish();
        sim.runFor(SECOND);
        bob.restart();
        assertThat(bob.dark()).isFalse();
        Throwable failure = failureOf(sim, echo(alice, bob, "stray", SECOND));
        assertThat(failure).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("reset");
        assertThat(sim.await(echo(alice, bob, "again", SECOND), SECOND).text()).isEqualTo("again");
    }

    @Test
    void shouldCountAnswersAndBytesPerRouteAndUnservedRoutesUnderOneName() {
        Simulation sim = sims.create(Faults.lan());
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        sim.await(echo(alice, bob, "hello", SECOND), SECOND);
        for (int i = 0; i < 3; i++) {
            failureOf(sim, alice.node().request(bob.address(), "made/up/" + i, new byte[0], SECOND));
        }

        NodeStats bobs = bob.node().stats();
        NodeStats alices = alice.node().stats();
        int echoRequestBytes = 4 + new FrameCodec(1 << 20).frameLength(new Frame.Request(1, 1000, "echo", "hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(alices.sentByRoute().get("echo")).isEqualTo(new RouteTraffic(1, 0, echoRequestBytes, 0));
        assertThat(bobs.sentByRoute().get("echo").replies()).isEqualTo(1);
        assertThat(bobs.sentByRoute().get("echo").replyBytes()).isEqualTo(4 + 1 + 4 + "hello".length());
        assertThat(bobs.sentByRoute()).containsOnlyKeys("echo", NodeStats.UNKNOWN_ROUTE);
        assertThat(bobs.sentByRoute().get(NodeStats.UNKNOWN_ROUTE).replies()).isEqualTo(3);
        assertThat(bobs.bytesSent()).isEqualTo(bobs.sentByRoute().values().stream().mapToLong(RouteTraffic::bytes).sum());
        assertThat(alices.bytesSent()).isEqualTo(alices.sentByRoute().values().stream().mapToLong(RouteTraffic::bytes).sum());
    }

    @Test
    void shouldDropTimersOfACrashedNode() {
        Simulation sim = sims.create(Faults.lan());
        int[] ticks = {0};
        SimNode ticker = sim.spawn(node -> node.every(Duration.ofMillis(100), self -> ticks[0]++));
        sim.runFor(Duration.ofSeconds(1));
        int beforeCrash = ticks[0];
        ticker.crash();
        sim.runFor(Duration.ofSeconds(1));
        assertThat(beforeCrash).isBetween(9, 10);
        assertThat(ticks[0]).isEqualTo(beforeCrash);
    }

    @Test
    void shouldShutDownGracefullyAndStopRunning() {
        Simulation sim = sims.create(Faults.lan());
        SimNode bob = echoNode(sim);
        sim.await(bob.shutdown(SECOND), SECOND);
        assertThat(bob.running()).isFalse();
        assertThat(sim.running()).isEmpty();
    }

    @Test
    void shouldLearnAPeersIdFromItsAddress() {
        Simulation sim = sims.create(Faults.lan());
        SimNode bob = echoNode(sim);
        SimNode alice = sim.spawn();
        assertThat(sim.await(alice.node().connect(bob.address().hostPort()), SECOND)).isEqualTo(bob.address());
    }

    @Test
    void shouldNameTheSeedWhenAnAwaitRunsOut() {
        Simulation sim = sims.create(Faults.lan());
        assertThatThrownBy(() -> sim.await(new CompletableFuture<>(), SECOND))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("seed " + sim.seed());
    }
}
