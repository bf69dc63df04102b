package network.butter.sim;

import static network.butter.sim.NatModelTest.MINUTE;
import static network.butter.sim.NatModelTest.echo;
import static network.butter.sim.NatModelTest.echoNode;
import static network.butter.sim.NatModelTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import network.butter.api.PeerUnreachableException;
import network.butter.api.Reply;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.sim.NatModelTest.WiderHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Circuits through a relay's transport, with the gate's limits, and hole punching through the NAT model. */
class RelayAndPunchSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    /** A gate that allows every circuit with fixed limits, or refuses all, and records what it hears. */
    static final class TestGate implements RelayGate {
        final Decision decision;
        final List<String> opened = new ArrayList<>();
        final List<Long> closedBytes = new ArrayList<>();
        final List<Long> closedDurationsMs = new ArrayList<>();

        TestGate(Decision decision) {
            this.decision = decision;
        }

        @Override
        public Decision openCircuit(PeerId from, String fromHost, PeerId target) {
            opened.add(from.shortForm() + "@" + fromHost + "->" + target.shortForm());
            return decision;
        }

        @Override
        public void circuitClosed(PeerId from, PeerId target, long bytes, long durationMs) {
            closedBytes.add(bytes);
            closedDurationsMs.add(durationMs);
        }
    }

    /** A relay, a symmetric-NATed target connected to it, and a dialler behind another NAT. */
    private record Trio(Simulation sim, SimNode relay, WiderHandle relaySide, SimNode target, WiderHandle targetSide,
                        SimNode dialler, WiderHandle diallerSide) {
        PeerAddress targetViaRelay() {
            return PeerAddress.relayed(target.id(), relay.address());
        }
    }

    private Trio trio(RelayGate gate, boolean targetAccepts) {
        Simulation sim = sims.create();
        WiderHandle relaySide = new WiderHandle();
        WiderHandle targetSide = new WiderHandle();
        WiderHandle diallerSide = new WiderHandle();
        SimNode relay = echoNode(sim, null, relaySide);
        SimNode target = echoNode(sim, sim.homeLan(RouterKind.symmetric()), targetSide);
        SimNode dialler = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), diallerSide);
        sim.runFor(Duration.ofMillis(1)); // protocols start on the node loops
        relaySide.wider.serveRelay(gate);
        targetSide.wider.acceptCircuitsVia(relay.id(), targetAccepts);
        sim.await(echo(target, relay.address()), MINUTE);
        return new Trio(sim, relay, relaySide, target, targetSide, dialler, diallerSide);
    }

    @Test
    void shouldCarryRequestAndReplyOverTwoHopsThroughAnAllowedCircuit() {
        TestGate gate = new TestGate(new RelayGate.Allowed(1_000_000, 60_000));
        Trio trio = trio(gate, true);
        Simulation sim = trio.sim();
        NetworkStats before = sim.networkStats();

        Reply reply = sim.await(echo(trio.dialler(), trio.targetViaRelay()), MINUTE);

        assertThat(reply.text()).isEqualTo("hi");
        assertThat(trio.dialler().path(trio.target().id())).contains(PathKind.RELAYED);
        assertThat(trio.target().path(trio.dialler().id())).contains(PathKind.RELAYED);
        assertThat(gate.opened).containsExactly(trio.dialler().id().shortForm() + "@"
            + trio.dialler().homeLan().orElseThrow().publicIp() + "->" + trio.target().id().shortForm());
        NetworkStats after = sim.networkStats();
        assertThat(after.relayedConnections() - before.relayedConnections()).isEqualTo(1);
        assertThat(after.relayedBytes()).isPositive();
        assertThat(after.delivered() - before.delivered()).as("request and reply, two hops each").isEqualTo(4);
        assertThat(trio.targetSide().wider.observedAddress(trio.dialler().id())).as("no direct connection").isEmpty();
        assertThat(sim.openConnections().get(PathKind.RELAYED)).isEqualTo(1);
    }

    @Test
    void shouldCloseTheCircuitAtBothEndsWhenItsByteLimitIsReached() {
        TestGate gate = new TestGate(new RelayGate.Allowed(300, 60_000));
        Trio trio = trio(gate, true);
        Simulation sim = trio.sim();

        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(echo(trio.dialler(), trio.targetViaRelay()));
            sim.runFor(Duration.ofMillis(100));
        }
        sim.runFor(Duration.ofSeconds(40));

        long answered = replies.stream().filter(reply -> !reply.isCompletedExceptionally()).count();
        assertThat(answered).isBetween(1L, 9L);
        assertThat(gate.closedBytes).hasSize(1);
        assertThat(gate.closedBytes.getFirst()).isBetween(1L, 300L);
        assertThat(trio.diallerSide().failures).anyMatch(text -> text.contains("limit of 300 bytes"));
        assertThat(trio.targetSide().failures).anyMatch(text -> text.contains("limit of 300 bytes"));
        assertThat(trio.dialler().path(trio.target().id())).isEmpty();
    }

    @Test
    void shouldCloseTheCircuitWhenItsDurationLimitIsReached() {
        TestGate gate = new TestGate(new RelayGate.Allowed(1_000_000, 2_000));
        Trio trio = trio(gate, true);
        Simulation sim = trio.sim();
        sim.await(echo(trio.dialler(), trio.targetViaRelay()), MINUTE);

        sim.runFor(Duration.ofSeconds(3));

        assertThat(gate.closedDurationsMs).containsExactly(2_000L);
        assertThat(trio.diallerSide().failures).anyMatch(text -> text.contains("limit of 2000 ms"));
        assertThat(trio.targetSide().failures).anyMatch(text -> text.contains("limit of 2000 ms"));
        assertThat(trio.target().path(trio.dialler().id())).isEmpty();
    }

    @Test
    void shouldRefuseACircuitToATargetThatDoesNotAcceptCircuitsViaThatRelay() {
        TestGate gate = new TestGate(new RelayGate.Allowed(1_000_000, 60_000));
        Trio trio = trio(gate, false);

        Throwable failure = failureOf(trio.sim(), echo(trio.dialler(), trio.targetViaRelay()));

        assertThat(failure).isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("does not accept circuits via this relay");
        assertThat(gate.opened).as("the gate is not asked").isEmpty();
        assertThat(trio.diallerSide().failures).hasSize(1);
    }

    @Test
    void shouldRefuseACircuitTheGateRefusesWithItsReason() {
        Trio trio = trio(new TestGate(new RelayGate.Refused("no reservation")), true);

        Throwable failure = failureOf(trio.sim(), echo(trio.dialler(), trio.targetViaRelay()));

        assertThat(failure).hasMessageContaining("the relay refused the circuit: no reservation");
    }

    @Test
    void shouldRefuseACircuitThroughANodeThatDoesNotRelay() {
        Trio trio = trio(new TestGate(new RelayGate.Allowed(1_000, 1_000)), true);
        trio.relaySide().wider.serveRelay(null);

        assertThat(failureOf(trio.sim(), echo(trio.dialler(), trio.targetViaRelay())))
            .hasMessageContaining("does not relay");
    }

    @Test
    void shouldFailARequestRelayedThroughTheSenderItselfWhenItHasNoConnectionToTheTarget() {
        Trio trio = trio(new TestGate(new RelayGate.Allowed(1_000, 1_000)), true);
        PeerAddress viaDialler = PeerAddress.relayed(trio.target().id(), trio.dialler().address());

        assertThat(failureOf(trio.sim(), echo(trio.dialler(), viaDialler)))
            .hasMessageContaining("relayed through this node");
        assertThat(trio.dialler().path(trio.dialler().id())).isEmpty();
    }

    @Test
    void shouldCountANatedNodeReachableOnlyAtAnAddressThatWorksFromOutside() {
        Trio trio = trio(new TestGate(new RelayGate.Allowed(1_000, 1_000)), true);
        assertThat(trio.relay().reachableFromOutside()).as("public").isTrue();
        assertThat(trio.target().reachableFromOutside()).as("private address").isFalse();

        trio.targetSide().wider.advertise(trio.targetViaRelay());
        assertThat(trio.target().reachableFromOutside()).as("relayed, accepted, connected").isTrue();

        trio.relaySide().wider.serveRelay(null);
        assertThat(trio.target().reachableFromOutside()).as("the relay stopped relaying").isFalse();
        trio.relaySide().wider.serveRelay(new TestGate(new RelayGate.Allowed(1_000, 1_000)));
        trio.targetSide().wider.acceptCircuitsVia(trio.relay().id(), false);
        assertThat(trio.target().reachableFromOutside()).as("no longer accepted").isFalse();
        trio.targetSide().wider.acceptCircuitsVia(trio.relay().id(), true);

        trio.relay().crash();
        assertThat(trio.target().reachableFromOutside()).as("the relay is gone").isFalse();
    }

    @Test
    void shouldCloseCircuitsWhenTheRelayCrashes() {
        TestGate gate = new TestGate(new RelayGate.Allowed(1_000_000, 60_000));
        Trio trio = trio(gate, true);
        trio.sim().await(echo(trio.dialler(), trio.targetViaRelay()), MINUTE);

        trio.relay().crash();
        trio.sim().runFor(Duration.ofSeconds(1));

        assertThat(trio.diallerSide().failures).anyMatch(text -> text.contains(trio.target().id().shortForm()));
        assertThat(trio.targetSide().failures).anyMatch(text -> text.contains(trio.dialler().id().shortForm()));
        assertThat(trio.dialler().path(trio.target().id())).isEmpty();
    }

    /**
     * Two nodes behind routers of the given kinds ("public" for none) talk through a relay, learn each other's
     * address as the relay observes it, and punch at the same moment.
     */
    @ParameterizedTest(name = "{0} x {1} -> {2}")
    @CsvSource({
        "full-cone, full-cone, true",
        "port-restricted, port-restricted, true",
        "port-restricted, full-cone, true",
        "symmetric, full-cone, true",
        "symmetric, public, true",
        "port-restricted, public, true",
        "symmetric, port-restricted, false",
        "port-restricted, symmetric, false",
        "symmetric, symmetric, false",
    })
    void shouldPunchExactlyWhereTheRoutersAllowIt(String kindA, String kindB, boolean expected) {
        Simulation sim = sims.create();
        TestGate gate = new TestGate(new RelayGate.Allowed(1_000_000, 600_000));
        WiderHandle relaySide = new WiderHandle();
        WiderHandle aSide = new WiderHandle();
        WiderHandle bSide = new WiderHandle();
        SimNode relay = echoNode(sim, null, relaySide);
        SimNode a = echoNode(sim, lan(sim, kindA), aSide);
        SimNode b = echoNode(sim, lan(sim, kindB), bSide);
        sim.runFor(Duration.ofMillis(1)); // protocols start on the node loops
        relaySide.wider.serveRelay(gate);
        bSide.wider.acceptCircuitsVia(relay.id(), true);
        sim.await(echo(a, relay.address()), MINUTE);
        sim.await(echo(b, relay.address()), MINUTE);
        sim.await(echo(a, PeerAddress.relayed(b.id(), relay.address())), MINUTE);
        HostPort aSeen = relaySide.wider.observedAddress(a.id()).orElseThrow();
        HostPort bSeen = relaySide.wider.observedAddress(b.id()).orElseThrow();
        long start = sim.nowMs();

        CompletableFuture<Void> aPunch = aSide.wider.punch(b.id(), List.of(bSeen), 100);
        CompletableFuture<Void> bPunch = bSide.wider.punch(a.id(), List.of(aSeen), 100);
        sim.runUntil(() -> aPunch.isDone() && bPunch.isDone(), MINUTE);
        long tookMs = sim.nowMs() - start;
        sim.runFor(Duration.ofMillis(10));

        assertThat(aPunch.isCompletedExceptionally()).as("a's punch failed").isEqualTo(!expected);
        assertThat(bPunch.isCompletedExceptionally()).as("b's punch failed").isEqualTo(!expected);
        if (expected) {
            assertThat(tookMs).isLessThan(200);
            assertThat(a.path(b.id())).contains(PathKind.PUNCHED);
            assertThat(b.path(a.id())).contains(PathKind.PUNCHED);
            assertThat(gate.closedBytes).as("the circuit steps back, quietly").hasSize(1);
            assertThat(aSide.failures).isEmpty();
            assertThat(sim.await(echo(b, a.address()), MINUTE).text()).as("b reaches a on it").isEqualTo("hi");
            assertThat(sim.networkStats().punchedConnections()).isEqualTo(1);
        } else {
            assertThat(tookMs).isGreaterThanOrEqualTo(100 + SimTransport.DIAL_TIMEOUT_MS);
            assertThat(failureOf(sim, aPunch)).hasMessageContaining("no punch candidate connected");
            assertThat(a.path(b.id())).as("still relayed").contains(PathKind.RELAYED);
            assertThat(sim.await(echo(a, PeerAddress.relayed(b.id(), relay.address())), MINUTE).text()).isEqualTo("hi");
        }
    }

    private static HomeLan lan(Simulation sim, String kind) {
        return switch (kind) {
            case "public" -> null;
            case "full-cone" -> sim.homeLan(RouterKind.fullCone());
            case "port-restricted" -> sim.homeLan(RouterKind.portRestricted());
            case "symmetric" -> sim.homeLan(RouterKind.symmetric());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    void shouldFailAPunchWhenThePeerDoesNotPunchBack() {
        Simulation sim = sims.create();
        WiderHandle relaySide = new WiderHandle();
        WiderHandle aSide = new WiderHandle();
        SimNode relay = echoNode(sim, null, relaySide);
        SimNode a = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), aSide);
        SimNode b = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), new WiderHandle());
        sim.await(echo(b, relay.address()), MINUTE);
        HostPort bSeen = relaySide.wider.observedAddress(b.id()).orElseThrow();

        assertThat(failureOf(sim, aSide.wider.punch(b.id(), List.of(bSeen), 0)))
            .hasMessageContaining("no punch candidate connected");
        assertThat(a.path(b.id())).isEmpty();
    }
}
