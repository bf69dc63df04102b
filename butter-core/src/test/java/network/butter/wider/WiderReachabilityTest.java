package network.butter.wider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.butter.api.Limits;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.testing.SeedReporter;
import network.butter.wider.WiderWorld.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reachability verdicts, advertised addresses, ambassadors and reservations on a toy internet. */
class WiderReachabilityTest {

    private static final long SEED = 15L;
    private static final WiderConfig CONFIG = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final WiderWorld world = new WiderWorld(SEED);

    private List<Member> publicNodes(int count) {
        List<Member> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(world.publicNode(CONFIG));
        }
        return nodes;
    }

    @Test
    void shouldConcludePublicAndAdvertiseTheDialledBackAddressWhenAMajorityReachesIt() {
        List<Member> nodes = publicNodes(4);
        world.introduceAll();
        world.run(60_000);
        for (Member node : nodes) {
            WiderState state = node.layer().state();
            assertThat(state.reachability()).isEqualTo(Reachability.PUBLIC);
            assertThat(state.advertised()).containsExactly(node.node().address());
            assertThat(node.wider().advertised).last().isEqualTo(node.node().address());
            assertThat(state.describe()).isEqualTo("public " + node.node().address().hostPort());
        }
    }

    @Test
    void shouldBecomeAnAmbassadorWhenPublicAndSayInPollsSoOthersSeeIt() {
        List<Member> nodes = publicNodes(4);
        world.introduceAll();
        world.run(60_000);
        Member any = nodes.getFirst();
        assertThat(any.layer().ambassador()).isTrue();
        assertThat(any.wider().gate).as("serves circuits").isNotNull();
        assertThat(nodes.get(1).hosts().hosts()).allSatisfy(host -> assertThat(host.quality().ambassador()).isTrue());
    }

    @Test
    void shouldNeverBecomeAnAmbassadorWhenForcedOff() {
        publicNodes(3);
        Member refuser = world.publicNode(CONFIG.withAmbassador(AmbassadorMode.OFF));
        world.introduceAll();
        world.run(60_000);
        assertThat(refuser.layer().state().reachability()).isEqualTo(Reachability.PUBLIC);
        assertThat(refuser.layer().ambassador()).isFalse();
        assertThat(refuser.wider().gate).isNull();
    }

    @Test
    void shouldStayUnknownWithFewerThanThreePeersAndDecideOnceAThirdArrives() {
        List<Member> nodes = publicNodes(3);
        Member late = world.publicNode(CONFIG);
        for (Member a : nodes) {
            for (Member b : nodes) {
                if (a != b) {
                    a.hosts().offer(b.node().address());
                }
            }
        }
        world.run(10 * 60_000);
        assertThat(nodes).allSatisfy(node -> {
            assertThat(node.layer().state().reachability()).isEqualTo(Reachability.UNKNOWN);
            assertThat(node.wider().advertised).isEmpty();
        });
        nodes.getFirst().hosts().offer(late.node().address());
        world.run(30_000);
        assertThat(nodes.getFirst().layer().state().reachability()).isEqualTo(Reachability.PUBLIC);
    }

    @Test
    void shouldConcludePrivateHoldReservationsOnTwoAmbassadorsAndAdvertiseARelayedAddress() {
        List<Member> ambassadors = publicNodes(4);
        Member home = world.privateNode(CONFIG);
        world.introduceAll();
        world.run(3 * 60_000);
        WiderState state = home.layer().state();
        assertThat(state.reachability()).isEqualTo(Reachability.PRIVATE);
        assertThat(state.advertised()).hasSize(2).allSatisfy(address -> {
            assertThat(address.isRelayed()).isTrue();
            assertThat(address.id()).isEqualTo(home.id());
        });
        List<PeerId> relays = state.advertised().stream().map(PeerAddress::relay).toList();
        assertThat(home.wider().acceptingVia).containsExactlyInAnyOrderElementsOf(relays);
        assertThat(home.wider().advertised).last().isEqualTo(state.advertised().getFirst());
        assertThat(state.describe()).startsWith("private, relayed via " + state.advertised().getFirst().relayAddress());
        for (PeerId relay : relays) {
            assertThat(world.member(relay).layer().relayService().reserved(home.id())).isTrue();
        }
        assertThat(ambassadors).allSatisfy(node -> assertThat(node.wider().probes)
            .as("dial-backs only to the IP the request came from")
            .allSatisfy(probe -> assertThat(probe.host()).isIn("198.51.100.1", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")));
    }

    @Test
    void shouldLearnHowItIsSeenFromSomePeersAndHaveOthersDialThatBackWithinSeconds() {
        publicNodes(8);
        Member home = world.privateNode(CONFIG);
        world.introduceAll();
        world.run(8_000);
        assertThat(home.layer().state().reachability()).isEqualTo(Reachability.PRIVATE);
        assertThat(home.layer().stats().checks()).as("one check to learn the router's address, one to try it").isEqualTo(2);
    }

    @Test
    void shouldPresumePrivateAndAdvertiseARelayedAddressBeforeAnyVerdictWhenAPeerSeesItBehindANat() {
        WiderConfig forced = CONFIG.withAmbassador(AmbassadorMode.ON);
        Member first = world.publicNode(forced);
        Member second = world.publicNode(forced);
        Member home = world.privateNode(CONFIG);
        home.hosts().offer(first.node().address());
        home.hosts().offer(second.node().address());
        world.run(5_000);
        WiderState state = home.layer().state();
        assertThat(state.reachability()).as("two peers cannot give a verdict").isEqualTo(Reachability.UNKNOWN);
        assertThat(state.advertised()).hasSize(2).allSatisfy(address -> assertThat(address.isRelayed()).isTrue());
        assertThat(home.wider().advertised).last().isEqualTo(state.advertised().getFirst());
        assertThat(state.describe()).startsWith("unknown, behind a NAT, relayed via ");
    }

    @Test
    void shouldStopAdvertisingTheRelayedAddressWhenAPortMappingEndsThePresumption() {
        WiderConfig forced = CONFIG.withAmbassador(AmbassadorMode.ON);
        Member first = world.publicNode(forced);
        Member second = world.publicNode(forced);
        List<PortMapping.Listener> listeners = new ArrayList<>();
        Member home = world.privateNode(CONFIG, new PortMapping() {
            @Override
            public Optional<HostPort> mappedAddress() {
                return Optional.empty();
            }

            @Override
            public void onChange(Listener listener) {
                listeners.add(listener);
            }
        });
        home.hosts().offer(first.node().address());
        home.hosts().offer(second.node().address());
        world.run(5_000);
        assertThat(home.wider().advertised).as("presumed private").last().matches(PeerAddress::isRelayed);
        HostPort mapped = new HostPort(home.wider().publicIp, 7_000);
        world.open(mapped, home);
        listeners.forEach(listener -> listener.mappedAddressChanged(Optional.of(mapped)));
        world.run(1);
        assertThat(home.wider().acceptingVia).as("reservations released").isEmpty();
        assertThat(home.wider().advertised).as("no relay without a reservation is advertised").last()
            .isEqualTo(home.node().address());
    }

    @Test
    void shouldReleaseThePresumedReservationsWhenTheVerdictSaysPublic() {
        WiderConfig forced = CONFIG.withAmbassador(AmbassadorMode.ON);
        List<Member> ambassadors = List.of(world.publicNode(forced), world.publicNode(forced));
        Member home = world.privateNode(CONFIG);
        HostPort forwarded = new HostPort(home.wider().publicIp, home.node().address().port());
        world.open(forwarded, home); // a router that forwards everything to it (a 1:1 NAT)
        ambassadors.forEach(ambassador -> home.hosts().offer(ambassador.node().address()));
        world.run(5_000);
        assertThat(home.wider().acceptingVia).as("presumed private at first").hasSize(2);
        home.hosts().offer(world.publicNode(CONFIG).node().address());
        world.run(60_000);
        WiderState state = home.layer().state();
        assertThat(state.reachability()).isEqualTo(Reachability.PUBLIC);
        assertThat(state.advertised()).containsExactly(new PeerAddress(home.id(), forwarded.host(), forwarded.port()));
        assertThat(home.wider().acceptingVia).as("reservations released").isEmpty();
    }

    @Test
    void shouldRenewReservationsBeforeTheyExpire() {
        publicNodes(4);
        Member home = world.privateNode(CONFIG.withReservationTtl(30_000));
        world.introduceAll();
        world.run(3 * 60_000);
        List<PeerId> relays = home.layer().state().advertised().stream().map(PeerAddress::relay).toList();
        world.run(10 * 60_000);
        assertThat(home.layer().state().advertised().stream().map(PeerAddress::relay).toList()).isEqualTo(relays);
        relays.forEach(relay -> assertThat(world.member(relay).layer().relayService().reserved(home.id())).isTrue());
    }

    @Test
    void shouldReplaceARelayThatDies() {
        publicNodes(5);
        Member home = world.privateNode(CONFIG);
        world.introduceAll();
        world.run(3 * 60_000);
        PeerId lost = home.layer().state().advertised().getFirst().relay();
        world.net.crash(lost);
        world.run(60_000);
        List<PeerId> relays = home.layer().state().advertised().stream().map(PeerAddress::relay).toList();
        assertThat(relays).hasSize(2).doesNotContain(lost);
        assertThat(home.wider().acceptingVia).doesNotContain(lost);
        assertThat(home.wider().advertised).last().extracting(PeerAddress::relay).isNotEqualTo(lost);
    }

    @Test
    void shouldRecheckAndBecomePublicWhenTheRouterMapsAPort() {
        publicNodes(4);
        List<PortMapping.Listener> listeners = new ArrayList<>();
        Member home = world.privateNode(CONFIG, new PortMapping() {
            @Override
            public Optional<HostPort> mappedAddress() {
                return Optional.empty();
            }

            @Override
            public void onChange(Listener listener) {
                listeners.add(listener);
            }
        });
        world.introduceAll();
        world.run(3 * 60_000);
        assertThat(home.layer().state().reachability()).isEqualTo(Reachability.PRIVATE);
        HostPort mapped = new HostPort(home.wider().publicIp, 7_000);
        world.open(mapped, home);
        listeners.forEach(listener -> listener.mappedAddressChanged(Optional.of(mapped)));
        world.run(60_000);
        WiderState state = home.layer().state();
        assertThat(state.reachability()).isEqualTo(Reachability.PUBLIC);
        assertThat(state.advertised()).containsExactly(new PeerAddress(home.id(), mapped.host(), mapped.port()));
        assertThat(home.wider().acceptingVia).as("reservations released").isEmpty();
    }

    @Test
    void shouldTellListenersOfEveryChange() {
        publicNodes(4);
        Member home = world.privateNode(CONFIG);
        List<String> lines = new ArrayList<>();
        home.layer().onChange(state -> lines.add(state.describe()));
        world.introduceAll();
        world.run(3 * 60_000);
        assertThat(lines).first().isEqualTo("private, no relay yet");
        assertThat(lines).last().asString().startsWith("private, relayed via ");
    }
}
