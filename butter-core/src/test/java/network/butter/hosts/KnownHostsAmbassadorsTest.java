package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import network.butter.api.Limits;
import network.butter.identity.PeerAddress;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ambassador flag in polls follows what the node is told, and a full list keeps its last ambassadors. */
class KnownHostsAmbassadorsTest {

    private static final long SEED = 21L;
    private static final KnownHostsConfig FULL_AT_TWO = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300).withCapacity(2)
        .withRandomAcceptance(1.0).withKeptAmbassadors(2);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final MemoryNetwork net = new MemoryNetwork(SEED);

    private record Host(PeerAddress address, KnownHosts list, TestNode node) {
    }

    private Host node(boolean ambassador) {
        return node(ambassador, FULL_AT_TWO);
    }

    private Host node(boolean ambassador, KnownHostsConfig config) {
        TestNode node = net.node();
        KnownHosts list = new KnownHosts(config, () -> 0L);
        list.reportAmbassador(() -> ambassador);
        node.runtime().install(list);
        net.time().runDue();
        return new Host(node.address(), list, node);
    }

    private static List<PeerAddress> known(Host host) {
        return host.list().hosts().stream().map(KnownHost::address).toList();
    }

    @Test
    void shouldIntroduceANewcomerToTheHostsAnAmbassadorKnowsWithinASecond() {
        // Hourly polls: no poll round's peer exchange falls in the second this test watches.
        KnownHostsConfig roomy = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
            .withPolling(3_600_000, 3_000);
        Host ambassador = node(true, roomy);
        Host old = node(false, roomy);
        old.list().offer(ambassador.address());
        net.time().advance(100);
        ambassador.list().offer(old.address());
        net.time().advance(2_000); // past the ambassador's first batch, which introduced old to nobody new
        Host newcomer = node(false, roomy.withCapacity(1)); // full once it knows the ambassador: asks no sample
        newcomer.list().offer(ambassador.address());
        net.time().advance(1_000);
        assertThat(known(old)).as("introduced by the ambassador, well before a poll round's peer exchange")
            .contains(newcomer.address());
    }

    @Test
    void shouldIgnoreIntroductionsFromAHostItDoesNotKnow() {
        KnownHostsConfig roomy = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);
        Host self = node(false, roomy);
        Host stranger = node(false, roomy);
        Host introduced = node(false, roomy);
        stranger.node().runtime().request(self.address(), KnownHosts.INTRODUCE_ROUTE,
            HostSample.encode(List.of(introduced.address())), java.time.Duration.ofSeconds(1));
        net.time().advance(1_000);
        assertThat(known(self)).doesNotContain(introduced.address());
    }

    @Test
    void shouldReportTheAmbassadorFlagItIsToldInPolls() {
        Host self = node(false);
        Host ambassador = node(true);
        Host plain = node(false);
        self.list().offer(ambassador.address());
        self.list().offer(plain.address());
        net.time().advance(100);
        assertThat(self.list().hosts()).extracting(host -> host.quality().ambassador()).containsExactly(true, false);
    }

    @Test
    void shouldKeepTheLastAmbassadorsWhenANewcomerWouldOtherwiseTakeTheirPlace() {
        Host self = node(false);
        Host first = node(true);
        Host second = node(true);
        self.list().offer(first.address());
        self.list().offer(second.address());
        net.time().advance(100);
        self.list().offer(node(false).address());
        net.time().advance(100);
        assertThat(known(self)).containsExactly(first.address(), second.address());
    }

    @Test
    void shouldLetANewcomerTakeThePlaceOfAnOrdinaryHost() {
        Host self = node(false);
        Host first = node(true);
        Host second = node(false);
        self.list().offer(first.address());
        self.list().offer(second.address());
        net.time().advance(100);
        Host newcomer = node(false);
        self.list().offer(newcomer.address());
        net.time().advance(100);
        assertThat(known(self)).containsExactlyInAnyOrder(first.address(), newcomer.address());
    }
}
