package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Limits;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.api.Reply;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The NAT model: who can dial whom, what peers observe, probes, port mapping; see {@link HomeLan}. */
class NatModelTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration SECOND = Duration.ofSeconds(1);

    /** Records what the node's wider side is and which peers failed; stands in for the wider protocol. */
    static final class WiderHandle implements Protocol {
        WiderTransport wider;
        final List<String> failures = new ArrayList<>();
        final List<PeerAddress> heardFrom = new ArrayList<>();

        @Override
        public String name() {
            return "wider-handle";
        }

        @Override
        public void start(ProtocolContext context) {
            wider = context.wider().orElseThrow();
            context.onPeerFailed((peer, cause) -> failures.add(peer.shortForm() + ": " + cause.getMessage()));
        }
    }

    /** A node that answers "echo" and records who asked; spawned public or in {@code lan} (null for public). */
    static SimNode echoNode(Simulation sim, HomeLan lan, WiderHandle handle) {
        SimNode.Setup setup = (self, node) -> {
            node.install(handle);
            node.handle("echo", req -> {
                handle.heardFrom.add(req.from());
                return Reply.of(req.payload());
            });
        };
        return lan == null ? sim.spawn(Limits.defaults(), setup) : sim.spawnBehind(lan, Limits.defaults(), setup);
    }

    static CompletableFuture<Reply> echo(SimNode from, PeerAddress to) {
        return from.node().request(to, "echo", "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
    }

    static Throwable failureOf(Simulation sim, CompletableFuture<?> future) {
        sim.runUntil(future::isDone, MINUTE);
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void shouldLetANodeBehindANatDialOutAndHearTheAnswerOnThatConnection() {
        Simulation sim = sims.create();
        SimNode bob = echoNode(sim, null, new WiderHandle());
        SimNode alice = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), new WiderHandle());

        assertThat(sim.await(echo(alice, bob.address()), MINUTE).text()).isEqualTo("hi");
        assertThat(sim.await(echo(bob, alice.address()), MINUTE).text())
            .as("a request back rides the open connection").isEqualTo("hi");
        assertThat(alice.path(bob.id())).contains(PathKind.DIRECT);
    }

    @Test
    void shouldSendOnTheConnectionThatOpenedMeanwhileWhenADialToAnotherAddressOfThePeerFails() {
        Simulation sim = sims.create();
        WiderHandle aliceSide = new WiderHandle();
        SimNode alice = echoNode(sim, null, aliceSide);
        SimNode bob = echoNode(sim, sim.homeLan(RouterKind.fullCone()), new WiderHandle());
        CompletableFuture<Reply> toPrivateAddress = echo(alice, bob.address()); // silence: times out after 5 s
        sim.runFor(SECOND);

        assertThat(sim.await(echo(bob, alice.address()), MINUTE).text())
            .as("bob dials out: a connection alice can use too").isEqualTo("hi");
        assertThat(sim.await(toPrivateAddress, MINUTE).text())
            .as("the request waiting for the failed dial goes over bob's connection").isEqualTo("hi");
        assertThat(aliceSide.failures).as("nothing to bob failed").isEmpty();
    }

    @Test
    void shouldNotHoldARequestToAPeersRelayedAddressBehindASilentDialToItsPrivateOne() {
        Simulation sim = sims.create();
        SimNode relay = echoNode(sim, null, new WiderHandle());
        WiderHandle bobSide = new WiderHandle();
        WiderHandle aliceSide = new WiderHandle();
        SimNode bob = echoNode(sim, sim.homeLan(RouterKind.symmetric()), bobSide);
        SimNode alice = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), aliceSide);
        sim.runFor(Duration.ofMillis(1)); // protocols start on the node loops
        relay.transport().serveRelay(new RelayAndPunchSimTest.TestGate(new RelayGate.Allowed(1 << 20, 60_000)));
        bobSide.wider.acceptCircuitsVia(relay.id(), true);
        sim.await(echo(bob, relay.address()), MINUTE);
        CompletableFuture<Reply> toPrivateAddress = echo(alice, bob.address()); // silence: times out after 5 s
        long start = sim.nowMs();

        Reply relayed = sim.await(echo(alice, PeerAddress.relayed(bob.id(), relay.address())), MINUTE);

        assertThat(relayed.text()).isEqualTo("hi");
        assertThat(sim.nowMs() - start).as("answered through the relay without waiting for the other dial")
            .isLessThan(SimTransport.DIAL_TIMEOUT_MS);
        assertThat(sim.await(toPrivateAddress, MINUTE).text())
            .as("the request to the private address then rides the circuit").isEqualTo("hi");
        assertThat(aliceSide.failures).isEmpty();
    }

    @Test
    void shouldGiveEachHomeLanAMulticastSegmentOfItsOwn() {
        Simulation sim = sims.create();
        HomeLan home = sim.homeLan(RouterKind.portRestricted());
        SimNode publicNode = sim.spawn();
        SimNode alice = sim.spawnBehind(home, node -> { });
        SimNode bob = sim.spawnBehind(home, node -> { });
        SimNode carol = sim.spawnBehind(sim.homeLan(RouterKind.portRestricted()), node -> { });

        assertThat(publicNode.segment()).isZero();
        assertThat(alice.segment()).isEqualTo(bob.segment()).isNotZero().isNotEqualTo(carol.segment());
        assertThat(carol.segment()).isNotZero();
    }

    @Test
    void shouldTimeOutADialFromOutsideToAPrivateAddress() {
        Simulation sim = sims.create();
        SimNode bob = echoNode(sim, null, new WiderHandle());
        SimNode alice = echoNode(sim, sim.homeLan(RouterKind.fullCone()), new WiderHandle());
        long start = sim.nowMs();

        Throwable failure = failureOf(sim, echo(bob, alice.address()));

        assertThat(failure).isInstanceOf(PeerUnreachableException.class).hasMessageContaining("connect timed out");
        assertThat(sim.nowMs() - start).isGreaterThanOrEqualTo(SimTransport.DIAL_TIMEOUT_MS);
        assertThat(alice.address().host()).startsWith("192.168.");
    }

    @Test
    void shouldLetNodesOfOneLanDialEachOtherByPrivateAddress() {
        Simulation sim = sims.create();
        HomeLan lan = sim.homeLan(RouterKind.symmetric());
        SimNode alice = echoNode(sim, lan, new WiderHandle());
        SimNode bob = echoNode(sim, lan, new WiderHandle());

        assertThat(sim.await(echo(alice, bob.address()), MINUTE).text()).isEqualTo("hi");
        assertThat(bob.node().address()).isNotEqualTo(alice.node().address());
    }

    @Test
    void shouldFailWithAMismatchWhenAPrivateAddressLeadsToAnotherNodeOfTheDiallersLan() {
        Simulation sim = sims.create();
        HomeLan home = sim.homeLan(RouterKind.portRestricted());
        for (int i = 1; i < 256; i++) {
            sim.homeLan(RouterKind.portRestricted()); // LAN 256 reuses LAN 0's private range
        }
        HomeLan farAway = sim.homeLan(RouterKind.portRestricted());
        SimNode alice = echoNode(sim, home, new WiderHandle());
        SimNode stranger = echoNode(sim, farAway, new WiderHandle());
        SimNode bob = echoNode(sim, farAway, new WiderHandle());
        assertThat(stranger.address().hostPort()).isEqualTo(alice.address().hostPort());

        Throwable failure = failureOf(sim, echo(stranger, new PeerAddress(bob.id(), alice.address().host(), 7000)));

        assertThat(failure).isInstanceOf(PeerIdentityMismatchException.class);
    }

    @Test
    void shouldShowEveryPeerTheSameAddressBehindAnEndpointIndependentMapping() {
        Simulation sim = sims.create();
        WiderHandle bobSide = new WiderHandle();
        WiderHandle carolSide = new WiderHandle();
        SimNode bob = echoNode(sim, null, bobSide);
        SimNode carol = echoNode(sim, null, carolSide);
        HomeLan lan = sim.homeLan(RouterKind.portRestricted());
        SimNode alice = echoNode(sim, lan, new WiderHandle());
        SimNode dave = echoNode(sim, lan, new WiderHandle());
        sim.await(echo(alice, bob.address()), MINUTE);
        sim.await(echo(alice, carol.address()), MINUTE);
        sim.await(echo(dave, bob.address()), MINUTE);

        HostPort seenByBob = bobSide.wider.observedAddress(alice.id()).orElseThrow();
        assertThat(seenByBob).isEqualTo(new HostPort(lan.publicIp(), 7000)).as("port-preserving");
        assertThat(carolSide.wider.observedAddress(alice.id())).contains(seenByBob);
        assertThat(bobSide.wider.observedAddress(dave.id()).orElseThrow().port())
            .as("the second host cannot keep its port").isNotEqualTo(7000);
    }

    @Test
    void shouldShowEveryPeerAnotherPortBehindASymmetricMapping() {
        Simulation sim = sims.create();
        WiderHandle bobSide = new WiderHandle();
        WiderHandle carolSide = new WiderHandle();
        SimNode bob = echoNode(sim, null, bobSide);
        SimNode carol = echoNode(sim, null, carolSide);
        HomeLan lan = sim.homeLan(RouterKind.symmetric());
        SimNode alice = echoNode(sim, lan, new WiderHandle());
        sim.await(echo(alice, bob.address()), MINUTE);
        sim.await(echo(alice, carol.address()), MINUTE);

        HostPort seenByBob = bobSide.wider.observedAddress(alice.id()).orElseThrow();
        HostPort seenByCarol = carolSide.wider.observedAddress(alice.id()).orElseThrow();
        assertThat(seenByBob.host()).isEqualTo(lan.publicIp()).isEqualTo(seenByCarol.host());
        assertThat(seenByBob.port()).isNotEqualTo(seenByCarol.port());
        assertThat(bobSide.wider.observedAddress(carol.id())).as("no connection").isEmpty();
    }

    /** A public node probes a NATed node at the address it observes it at, from a fresh connection. */
    private boolean probeSucceeds(RouterKind kind) {
        Simulation sim = sims.create();
        WiderHandle bobSide = new WiderHandle();
        SimNode bob = echoNode(sim, null, bobSide);
        SimNode alice = echoNode(sim, sim.homeLan(kind), new WiderHandle());
        sim.await(echo(alice, bob.address()), MINUTE);
        HostPort observed = bobSide.wider.observedAddress(alice.id()).orElseThrow();
        CompletableFuture<PeerAddress> probe = bobSide.wider.probe(observed);
        sim.runUntil(probe::isDone, MINUTE);
        if (probe.isCompletedExceptionally()) {
            assertThat(failureOf(sim, probe)).hasMessageContaining("timed out");
            return false;
        }
        assertThat(probe.join().id()).isEqualTo(alice.id());
        return true;
    }

    @Test
    void shouldLetAProbeThroughOnlyAFullCone() {
        assertThat(probeSucceeds(RouterKind.fullCone())).as("full cone").isTrue();
        assertThat(probeSucceeds(RouterKind.portRestricted())).as("port-restricted").isFalse();
        assertThat(probeSucceeds(RouterKind.symmetric())).as("symmetric").isFalse();
    }

    @Test
    void shouldLetAnyoneDialAPortMappedNodeUntilTheLeaseEnds() {
        Simulation sim = sims.create();
        WiderHandle bobSide = new WiderHandle();
        SimNode bob = echoNode(sim, null, bobSide);
        SimNode carol = echoNode(sim, null, new WiderHandle());
        SimNode alice = echoNode(sim, sim.homeLan(RouterKind.symmetric().withPortMapping()), new WiderHandle());
        SimNode noMapper = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), new WiderHandle());
        assertThat(noMapper.portMapper()).isEmpty();

        HostPort mapped = sim.await(alice.portMapper().orElseThrow().map(7000, 7000, 60_000), MINUTE);
        assertThat(mapped.host()).isEqualTo(alice.homeLan().orElseThrow().publicIp());
        assertThat(sim.await(bobSide.wider.probe(mapped), MINUTE).id()).isEqualTo(alice.id());
        PeerAddress mappedAddress = new PeerAddress(alice.id(), mapped.host(), mapped.port());
        assertThat(sim.await(echo(carol, mappedAddress), MINUTE).text()).isEqualTo("hi");
        assertThat(carol.path(alice.id())).contains(PathKind.DIRECT);

        assertThat(alice.reachableFromOutside()).as("it still gives its private address").isFalse();
        widerOf(alice).advertise(mappedAddress);
        assertThat(alice.reachableFromOutside()).isTrue();

        sim.runFor(Duration.ofSeconds(61));
        assertThat(failureOf(sim, bobSide.wider.probe(mapped))).hasMessageContaining("timed out");
        assertThat(alice.reachableFromOutside()).as("the lease ended").isFalse();
    }

    private static WiderTransport widerOf(SimNode node) {
        return node.transport();
    }

    @Test
    void shouldShowPeersTheAdvertisedAddressAsTheSender() {
        Simulation sim = sims.create();
        WiderHandle bobSide = new WiderHandle();
        WiderHandle aliceSide = new WiderHandle();
        SimNode bob = echoNode(sim, null, bobSide);
        SimNode alice = echoNode(sim, sim.homeLan(RouterKind.portRestricted()), aliceSide);
        sim.await(echo(alice, bob.address()), MINUTE);
        assertThat(bobSide.heardFrom).containsExactly(alice.address());

        PeerAddress relayed = PeerAddress.relayed(alice.id(), bob.address());
        aliceSide.wider.advertise(relayed);
        sim.await(echo(alice, bob.address()), MINUTE);

        assertThat(bobSide.heardFrom).last().isEqualTo(relayed);
        assertThat(alice.node().address()).isEqualTo(relayed);
    }

    @Test
    void shouldPutTheShareOfNodesThePlanSaysBehindNatsDeterministically() {
        List<String> first = placement(sims.seed());
        assertThat(placement(sims.seed())).isEqualTo(first);
        long behind = first.stream().filter(host -> host.startsWith("192.168.")).count();
        assertThat(behind).isBetween(120L, 160L);
    }

    private static List<String> placement(long seed) {
        Simulation sim = Simulation.builder().seed(seed).nat(new NatPlan(0.7, 0.5, 0.2, 2)).build();
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            hosts.add(sim.spawn().address().host());
        }
        for (HomeLan lan : sim.homeLans()) {
            assertThat(lan.members().size()).isBetween(1, 2);
            hosts.add(lan.kind().label());
        }
        return hosts;
    }

    @Test
    void shouldLeaveARunUnchangedWhenThePlanPutsNobodyBehindANat() {
        long seed = sims.seed();
        assertThat(busyTrace(Simulation.builder().seed(seed).nat(new NatPlan(0, 0.5, 0.5, 3)).build()))
            .isEqualTo(busyTrace(Simulation.builder().seed(seed).build()));
    }

    private static long busyTrace(Simulation sim) {
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(echoNode(sim, null, new WiderHandle()));
        }
        for (SimNode node : nodes) {
            for (SimNode peer : nodes) {
                if (peer != node) {
                    echo(node, peer.address());
                }
            }
        }
        sim.runFor(SECOND);
        nodes.get(2).crash();
        sim.runFor(SECOND);
        return sim.traceHash();
    }
}
