package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.butter.api.Reply;
import network.butter.node.store.DiskQueue;
import network.butter.node.store.FileChunkStore;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.store.ChunkStore;
import network.butter.store.ContentId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow disk on a real event loop: while one node's chunk write waits for its disk, the loop it shares with other
 * nodes keeps serving, and the put that asked for the copy is acknowledged only once the write is done.
 */
class SlowDiskNodeTest {

    /** Bound for a fresh writer to find the slow node and send it a store. */
    private static final Duration FORMING = Duration.ofSeconds(30);
    /** A loop that serves answers a loopback request in well under this; a loop stuck on a disk write does not. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(3);

    @TempDir
    Path tempDir;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    private final EventLoopGroup sharedLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CountDownLatch diskOpen = new CountDownLatch(1);
    private ButterNode slow;

    @AfterEach
    void openTheDiskAndStopTheLoop() throws Exception {
        diskOpen.countDown();
        if (slow != null) {
            slow.shutdown(Duration.ZERO).get(LocalNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        nodes.close();
        sharedLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldKeepServingOtherRoutesAndNodesOnItsLoopWhileAWriteWaitsForTheDiskAndAckThePutOnlyAfterIt() throws Exception {
        GatedStore disk = new GatedStore(FileChunkStore.open(tempDir.resolve("chunks"), 1 << 24), diskOpen);
        slow = Butter.node(cfg -> cfg.host("127.0.0.1").eventLoopGroup(sharedLoop).storage(false));
        slow.install(new PeerContentGroups(PcgConfig.defaults(), disk, new DiskQueue("butter-disk-test", 4)));
        slow.handleOnLoop("test/echo", request -> Reply.of(request.payload()));
        slow.start();
        ButterNode neighbour = nodes.start(cfg -> cfg.eventLoopGroup(sharedLoop).storage(false));
        neighbour.handleOnLoop("test/echo", request -> Reply.of(request.payload()));
        ButterNode writer = nodes.start(cfg -> cfg.bootstrap(slow.address().hostPort()));

        CompletableFuture<ContentId> put = writer.storage().put("kept on a slow disk".getBytes(StandardCharsets.UTF_8));
        assertThat(disk.entered.await(FORMING.toMillis(), TimeUnit.MILLISECONDS)).as("the slow node began a write").isTrue();

        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
        for (ButterNode onTheLoop : new ButterNode[] {slow, neighbour}) {
            Reply echoed = writer.request(onTheLoop.address(), "test/echo", ping, ANSWER_LIMIT)
                .get(ANSWER_LIMIT.toMillis() * 2, TimeUnit.MILLISECONDS);
            assertThat(echoed.payload()).as("answer of a node on the loop while the disk write waits").isEqualTo(ping);
        }
        assertThat(put).as("the put while its only other copy is not yet durable").isNotDone();

        diskOpen.countDown();
        ContentId id = put.get(FORMING.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(disk.contains(id)).as("the slow node's copy once the put is acknowledged").isTrue();
    }

    /** A store whose chunk writes wait until the test opens the disk. */
    private static final class GatedStore implements ChunkStore {
        private final ChunkStore store;
        private final CountDownLatch open;
        final CountDownLatch entered = new CountDownLatch(1);

        GatedStore(ChunkStore store, CountDownLatch open) {
            this.store = store;
            this.open = open;
        }

        @Override
        public boolean put(ContentId id, byte[] chunk) {
            entered.countDown();
            try {
                if (!open.await(FORMING.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the test never opened the disk");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the disk was closed", e);
            }
            return store.put(id, chunk);
        }

        @Override
        public Optional<byte[]> get(ContentId id) {
            return store.get(id);
        }

        @Override
        public boolean contains(ContentId id) {
            return store.contains(id);
        }

        @Override
        public void remove(ContentId id) {
            store.remove(id);
        }

        @Override
        public Set<ContentId> ids() {
            return store.ids();
        }

        @Override
        public boolean putRecord(ContentId block, byte[] record) {
            return store.putRecord(block, record);
        }

        @Override
        public Optional<byte[]> record(ContentId block) {
            return store.record(block);
        }

        @Override
        public void removeRecord(ContentId block) {
            store.removeRecord(block);
        }

        @Override
        public Set<ContentId> recordIds() {
            return store.recordIds();
        }

        @Override
        public long usedBytes() {
            return store.usedBytes();
        }

        @Override
        public long capacityBytes() {
            return store.capacityBytes();
        }
    }
}
