package network.butter.node;

import static network.butter.node.LocalNodes.failureOf;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import network.butter.api.UnknownRouteException;
import network.butter.identity.PeerId;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage as a real node runs it out of the box, on loopback: the chunk store in the data directory carries a
 * node's copies and group memberships across a restart, and a node configured without storage offers none.
 */
class NodeStorageIntegrationTest {

    /** Bound for a network of fresh nodes to know each other, polls and heartbeats included. */
    private static final Duration FORMING = Duration.ofSeconds(30);

    private static final int NODE_COUNT = 4;

    /**
     * Every node of the network keeps a copy (r = 4), so no group recruits a stranger or trims a member while one
     * is away: what the test sees after the restart is the rejoin alone. Quick heartbeats keep it short.
     */
    private static final PcgConfig EVERY_NODE_KEEPS_A_COPY = PcgConfig.defaults().withReplication(NODE_COUNT)
        .withHeartbeatIntervalMs(250);

    /** More than two chunks, so the content is a manifest and several chunks: several groups. */
    private static final int CONTENT_BYTES = 3 * PcgConfig.DEFAULT_CHUNK_BYTES + 1_000;

    @TempDir
    Path tempDir;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldRejoinItsGroupsAfterRestartWithTheSameDataDirectory() throws Exception {
        List<ButterNode> network = startNetwork();
        ButterNode writer = network.getFirst();
        byte[] content = new byte[CONTENT_BYTES];
        new SplittableRandom(7).nextBytes(content);
        ContentId id = resultOf(writer.storage().put(content));
        Set<ContentId> blocks = groupsOf(writer).heldBlocks();
        ButterNode member = network.getLast();
        await().atMost(FORMING).untilAsserted(() -> assertThat(groupsOf(member).heldBlocks()).isEqualTo(blocks));
        PeerId memberId = member.id();
        List<ButterNode> others = network.subList(0, NODE_COUNT - 1);

        resultOf(member.shutdown(Duration.ZERO));
        await().atMost(FORMING).untilAsserted(() -> assertLive(others, blocks, view -> assertThat(view).doesNotContain(memberId)));
        ButterNode restarted = startMember(NODE_COUNT - 1, List.of(writer));

        assertThat(restarted.id()).isEqualTo(memberId);
        assertThat(StorageConfig.chunkDirectory(dataDirectory(NODE_COUNT - 1))).isDirectory();
        assertThat(groupsOf(restarted).heldBlocks()).as("copies read back from the chunk store").isEqualTo(blocks);
        List<PeerId> everyone = network.stream().map(ButterNode::id).sorted().toList();
        await().atMost(FORMING).untilAsserted(() -> {
            assertLive(List.of(restarted), blocks, view -> assertThat(view).containsExactlyInAnyOrderElementsOf(everyone));
            assertLive(others, blocks, view -> assertThat(view).contains(memberId));
        });

        for (ButterNode other : others) {
            resultOf(other.shutdown(Duration.ZERO));
        }
        ButterNode reader = nodes.start(cfg -> cfg.storageCapacityBytes(0).bootstrap(restarted.address().hostPort()));
        await().atMost(FORMING).until(() -> !reader.knownHosts().hosts().isEmpty());
        assertThat(resultOf(reader.storage().get(id))).as("read from the restarted node, the last one holding it")
            .isEqualTo(content);
    }

    @Test
    void shouldServeNoStorageRoutesWhenStorageIsOff() throws Exception {
        ButterNode withoutStorage = nodes.start(cfg -> cfg.storage(false));
        ButterNode caller = nodes.start();
        byte[] someId = ContentId.of(new byte[] {1}).toBytes();

        assertThat(failureOf(caller.request(withoutStorage.address(), PeerContentGroups.FETCH_ROUTE, someId)))
            .isInstanceOf(UnknownRouteException.class);
        assertThat(resultOf(withoutStorage.request(caller.address(), PeerContentGroups.FETCH_ROUTE, someId)).payload())
            .as("a node with the default configuration serves storage")
            .isNotEmpty();
        assertThatThrownBy(withoutStorage::storage).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("without storage");
    }

    @Test
    void shouldOfferStorageOnlyOnceStarted() {
        ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1"));

        assertThatThrownBy(node::storage).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    }

    /** Nodes with data directories, each bootstrapping from those started before it, all known to one another. */
    private List<ButterNode> startNetwork() {
        List<ButterNode> network = new ArrayList<>();
        for (int i = 0; i < NODE_COUNT; i++) {
            network.add(startMember(i, List.copyOf(network)));
        }
        await().atMost(FORMING).untilAsserted(() -> {
            for (ButterNode node : network) {
                assertThat(node.knownHosts().hosts()).hasSize(NODE_COUNT - 1);
            }
        });
        return network;
    }

    private ButterNode startMember(int index, List<ButterNode> bootstrap) {
        return nodes.start(cfg -> {
            cfg.dataDirectory(dataDirectory(index)).storageProtocol(EVERY_NODE_KEEPS_A_COPY);
            bootstrap.forEach(peer -> cfg.bootstrap(peer.address().hostPort()));
        });
    }

    private Path dataDirectory(int index) {
        return tempDir.resolve("node-" + index);
    }

    /** A real node's storage is Peer Content Groups, which also tells what it holds and whom it counts live. */
    private static PeerContentGroups groupsOf(ButterNode node) {
        return (PeerContentGroups) node.storage();
    }

    /** Checks, on every node given, the live members it counts in the group of every block. */
    private static void assertLive(List<ButterNode> members, Set<ContentId> blocks, LiveCheck check) throws Exception {
        for (ButterNode node : members) {
            for (ContentId block : blocks) {
                check.verify(resultOf(groupsOf(node).liveMembers(block)));
            }
        }
    }

    @FunctionalInterface
    private interface LiveCheck {
        void verify(List<PeerId> live);
    }
}
