package network.butter.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.butter.api.Reply;
import network.butter.sim.SimulationExtension;
import network.butter.testbed.ClusterNode;
import network.butter.testbed.SimCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalOnlyStorageTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final byte[] ITEM = "a baseline item".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private SimCluster<DataPeer> cluster(LocalOnlyStorage storage) {
        return new SimCluster<>(sims.create(), storage::install);
    }

    /** Spawns {@code length} nodes, each told only about the next one: 0 knows 1, 1 knows 2, ... */
    private static List<ClusterNode<DataPeer>> chain(SimCluster<DataPeer> cluster, int length) {
        List<ClusterNode<DataPeer>> nodes = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            nodes.add(cluster.spawn());
        }
        for (int i = 0; i + 1 < length; i++) {
            cluster.await(nodes.get(i).app().join(List.of(nodes.get(i + 1).address())), LIMIT);
        }
        return nodes;
    }

    @Test
    void shouldKeepAnItemOnTheNodeThatStoredIt() {
        LocalOnlyStorage storage = new LocalOnlyStorage();
        SimCluster<DataPeer> cluster = cluster(storage);
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 2);

        ItemKey key = cluster.await(nodes.get(1).app().store(ITEM), LIMIT);

        assertThat(key).isEqualTo(ItemKey.of(ITEM));
        assertThat(storage.holders(key)).containsExactly(nodes.get(1).id());
    }

    @Test
    void shouldFindAnItemSeveralHopsAway() {
        SimCluster<DataPeer> cluster = cluster(new LocalOnlyStorage());
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 5);
        ItemKey key = cluster.await(nodes.get(4).app().store(ITEM), LIMIT);

        Optional<byte[]> found = cluster.await(nodes.get(0).app().retrieve(key), LIMIT);

        assertThat(found).hasValueSatisfying(content -> assertThat(content).isEqualTo(ITEM));
        assertThat(nodes.get(0).stats().requestsSentByRoute()).containsEntry(LocalOnlyStorage.GET_ROUTE, 4L);
    }

    @Test
    void shouldGiveUpBeyondItsTimeToLive() {
        LocalOnlyStorage storage = new LocalOnlyStorage(new LocalOnlyStorage.Config(3, 1000, 32, Duration.ofSeconds(2),
            Duration.ofSeconds(2)));
        SimCluster<DataPeer> cluster = cluster(storage);
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 5);
        ItemKey key = cluster.await(nodes.get(4).app().store(ITEM), LIMIT);

        Optional<byte[]> found = cluster.await(nodes.get(0).app().retrieve(key), LIMIT);

        assertThat(found).isEmpty();
        assertThat(nodes.get(0).stats().requestsSentByRoute()).containsEntry(LocalOnlyStorage.GET_ROUTE, 3L);
    }

    @Test
    void shouldLoseAnItemWithItsHolder() {
        SimCluster<DataPeer> cluster = cluster(new LocalOnlyStorage());
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 3);
        ItemKey key = cluster.await(nodes.get(2).app().store(ITEM), LIMIT);

        cluster.kill(nodes.get(2));
        Optional<byte[]> found = cluster.await(nodes.get(0).app().retrieve(key), LIMIT);

        assertThat(found).isEmpty();
    }

    @Test
    void shouldLetAGreetedPeerFindTheNewcomersItems() {
        SimCluster<DataPeer> cluster = cluster(new LocalOnlyStorage());
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 2);
        ItemKey key = cluster.await(nodes.get(0).app().store(ITEM), LIMIT);

        Optional<byte[]> found = cluster.await(nodes.get(1).app().retrieve(key), LIMIT);

        assertThat(found).as("node 1 learnt node 0 from its greeting").isPresent();
    }

    @Test
    void shouldRejectContentThatDoesNotMatchTheKey() {
        SimCluster<DataPeer> cluster = cluster(new LocalOnlyStorage());
        List<ClusterNode<DataPeer>> nodes = chain(cluster, 2);
        byte[] liar = ("\u0001" + "not the item").getBytes(StandardCharsets.UTF_8);
        nodes.get(1).node().handle(LocalOnlyStorage.GET_ROUTE, request -> Reply.of(liar));

        Optional<byte[]> found = cluster.await(nodes.get(0).app().retrieve(ItemKey.of(ITEM)), LIMIT);

        assertThat(found).isEmpty();
    }

    @Test
    void shouldForgetTheOldestPeerWhenFull() {
        SimCluster<DataPeer> cluster = cluster(new LocalOnlyStorage(new LocalOnlyStorage.Config(6, 1000, 2,
            Duration.ofSeconds(2), Duration.ofSeconds(2))));
        ClusterNode<DataPeer> hub = cluster.spawn();
        List<ClusterNode<DataPeer>> callers = List.of(cluster.spawn(), cluster.spawn(), cluster.spawn());
        for (ClusterNode<DataPeer> caller : callers) {
            cluster.await(caller.app().join(List.of(hub.address())), LIMIT);
        }

        assertThat(((LocalOnlyPeer) hub.app()).knownPeers()).containsExactly(callers.get(1).address(),
            callers.get(2).address());
    }
}
