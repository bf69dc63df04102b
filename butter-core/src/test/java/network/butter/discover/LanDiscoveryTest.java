package network.butter.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import network.butter.env.Multicast;
import network.butter.identity.PeerAddress;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import network.butter.testing.VirtualTime;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LanDiscoveryTest {

    private static final long SEED = 77L;

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final MemoryNetwork net = new MemoryNetwork(SEED);
    private final Group group = new Group(net.time());

    /** A multicast group on virtual time: every datagram reaches every other member 1 ms later. */
    private static final class Group {
        final VirtualTime time;
        final List<Port> members = new ArrayList<>();
        final List<Long> pingTimes = new ArrayList<>();

        Group(VirtualTime time) {
            this.time = time;
        }

        final class Port implements Multicast {
            final String host;
            Listener listener;
            boolean closed;

            Port(String host) {
                this.host = host;
                members.add(this);
            }

            @Override
            public void start(Listener value) {
                listener = value;
            }

            @Override
            public void send(byte[] payload) {
                if (payload[5] == 1) {
                    pingTimes.add(time.nowMs());
                }
                for (Port member : members) {
                    if (member != this && !member.closed && member.listener != null) {
                        byte[] copy = payload.clone();
                        new network.butter.testing.ManualLoop(time).schedule(1, () -> member.listener.onDatagram(host, copy));
                    }
                }
            }

            @Override
            public void close() {
                closed = true;
            }
        }
    }

    /** A host sink that simply remembers every offer. */
    private static final class Offers implements HostSink {
        final Set<PeerAddress> seen = new LinkedHashSet<>();

        @Override
        public void offer(PeerAddress candidate) {
            seen.add(candidate);
        }

        @Override
        public boolean lonely() {
            return seen.isEmpty();
        }
    }

    private record Discovering(TestNode node, Offers offers, LanDiscovery discovery, Group.Port port) {
    }

    private Discovering start(LanDiscoveryConfig config) {
        TestNode node = net.node();
        Offers offers = new Offers();
        Group.Port port = group.new Port(node.address().host());
        LanDiscovery discovery = new LanDiscovery(port, offers, config);
        node.runtime().install(discovery);
        return new Discovering(node, offers, discovery, port);
    }

    @Test
    void shouldFindAPeerWithinMillisecondsOfStarting() {
        Discovering old = start(LanDiscoveryConfig.defaults());
        net.time().advance(60_000);
        Discovering newcomer = start(LanDiscoveryConfig.defaults());
        long joined = net.time().nowMs();
        net.time().advance(3);
        assertThat(newcomer.offers().seen).containsExactly(old.node().address());
        assertThat(old.offers().seen).containsExactly(newcomer.node().address());
        assertThat(net.time().nowMs() - joined).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldBackOffWhileLonely() {
        start(new LanDiscoveryConfig(250, 2_000, 60_000, 100));
        net.time().advance(10_000);
        assertThat(group.pingTimes).containsExactly(0L, 250L, 750L, 1_750L, 3_750L, 5_750L, 7_750L, 9_750L);
    }

    @Test
    void shouldPingOnlyAtTheSteadyPaceOnceItKnowsPeers() {
        start(new LanDiscoveryConfig(250, 2_000, 5_000, 100));
        Discovering second = start(new LanDiscoveryConfig(250, 2_000, 5_000, 100));
        net.time().advance(20_000);
        long secondPings = second.discovery().pingsSent();
        assertThat(secondPings).isBetween(4L, 5L);
    }

    @Test
    void shouldAnswerABurstOfPingsWithOnePong() {
        Discovering listener = start(LanDiscoveryConfig.defaults());
        net.time().advance(1_000);
        long pongsBefore = listener.discovery().pongsSent();
        for (int i = 0; i < 10; i++) {
            start(LanDiscoveryConfig.defaults());
        }
        net.time().advance(50);
        assertThat(listener.discovery().pongsSent() - pongsBefore).isEqualTo(1);
        assertThat(listener.offers().seen).hasSize(10);
    }

    @Test
    void shouldIgnoreGarbageAndItsOwnBeacons() {
        Discovering node = start(LanDiscoveryConfig.defaults());
        net.time().advance(5);
        node.port().listener.onDatagram("10.9.9.9", new byte[] {1, 2, 3});
        node.port().listener.onDatagram("10.9.9.9",
            new Beacon(Beacon.Kind.PING, node.node().address().id(), 7000).encode());
        assertThat(node.discovery().malformed()).isEqualTo(1);
        assertThat(node.offers().seen).isEmpty();
    }

    @Test
    void shouldStopPingingAndLeaveTheGroupWhenTheNodeShutsDown() {
        Discovering node = start(LanDiscoveryConfig.defaults());
        net.time().advance(100);
        node.node().runtime().shutdown(java.time.Duration.ofSeconds(1));
        net.time().advance(100);
        long pings = node.discovery().pingsSent();
        net.time().advance(60_000);
        assertThat(node.discovery().pingsSent()).isEqualTo(pings);
        assertThat(node.port().closed).isTrue();
    }

    @Test
    void shouldRoundTripBeaconsAndRejectForeignDatagrams() throws Exception {
        Beacon beacon = new Beacon(Beacon.Kind.PONG, net.node().address().id(), 65_535);
        assertThat(Beacon.decode(beacon.encode())).isEqualTo(beacon);
        byte[] wrongMagic = beacon.encode();
        wrongMagic[0] = 'X';
        assertThatThrownBy(() -> Beacon.decode(wrongMagic)).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("not a Butter discovery datagram");
        byte[] unknownKind = beacon.encode();
        unknownKind[5] = 9;
        assertThatThrownBy(() -> Beacon.decode(unknownKind)).hasMessageContaining("unknown beacon kind 9");
    }
}
