package network.butter.wider;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import network.butter.hosts.HostClass;
import network.butter.hosts.HostQuality;
import network.butter.hosts.KnownHost;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Whom a reachability check asks. */
class ReachabilityCheckTest {

    private static final HostQuality QUALITY = new HostQuality(0, 0, 0, 0, false, "");

    private static KnownHost host(String ip) {
        PeerAddress address = new PeerAddress(NodeIdentity.generate(new SecureRandom()).peerId(), ip, 7000);
        return new KnownHost(address, QUALITY, HostClass.subnetOf(ip), 0, 0);
    }

    @RepeatedTest(20)
    void shouldAskOnePeerPerForeignSubnetBeforeASecondOfAnyAndOwnSubnetLast(RepetitionInfo repetition) {
        long seed = repetition.getCurrentRepetition();
        List<KnownHost> hosts = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            hosts.add(host("10.0.0." + i));
            hosts.add(host("192.0.2." + i));
        }
        hosts.add(host("198.51.100.1"));
        List<PeerAddress> asked = ReachabilityCheck.choosePeers(hosts, "10.0.0.0/24", 3, new SplittableRandom(seed));
        assertThat(asked).hasSize(3);
        assertThat(asked.stream().map(address -> HostClass.subnetOf(address.host())))
            .as("the two foreign subnets first, then another outside the own subnet (seed %d)", seed)
            .containsExactlyInAnyOrder("192.0.2.0/24", "198.51.100.0/24", "192.0.2.0/24");
    }

    @Test
    void shouldFallBackToTheOwnSubnetAndNeverAskThroughARelay() {
        KnownHost relay = host("203.0.113.1");
        KnownHost relayed = new KnownHost(PeerAddress.relayed(host("10.9.9.9").address().id(), relay.address()),
            QUALITY, relay.subnet(), 0, 0);
        List<KnownHost> hosts = List.of(host("10.0.0.2"), relayed, host("10.0.0.3"));
        List<PeerAddress> asked = ReachabilityCheck.choosePeers(hosts, "10.0.0.0/24", 5, new SplittableRandom(1));
        assertThat(asked).hasSize(2).noneMatch(PeerAddress::isRelayed);
    }
}
