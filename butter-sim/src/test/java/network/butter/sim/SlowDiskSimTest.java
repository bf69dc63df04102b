package network.butter.sim;

import static network.butter.sim.StorageNodes.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.store.ContentId;
import network.butter.store.DiskWork;
import network.butter.store.MemoryChunkStore;
import network.butter.store.StoreBusyException;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunk-store writes that take their time, in virtual time: a "stored" answer and a put's acknowledgement wait until
 * the write is durable, and a disk that falls behind or fails gives a clear answer instead of a hang.
 */
class SlowDiskSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final KnownHostsConfig FAST_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withPolling(1_000, 300);
    private static final PcgConfig CONFIG = PcgConfig.defaults().withFixedReplication(3).withHeartbeatIntervalMs(1_000)
        .withChunkBytes(1024);
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Status codes of a store reply on the wire (docs/PROTOCOL.md). */
    private static final int STORED = 0;
    private static final int FULL = 1;
    private static final int BUSY = 4;

    private final Map<SimNode, PeerContentGroups> storage = new HashMap<>();

    private SimNode node(Simulation sim, DiskWork disk) {
        return sim.spawn(Limits.defaults(), (self, api) -> {
            KnownHosts hosts = new KnownHosts(FAST_HOSTS, () -> 0L);
            PeerContentGroups groups = new PeerContentGroups(CONFIG, new MemoryChunkStore(1 << 20), disk);
            storage.put(self, groups);
            api.install(hosts);
            api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
            api.install(groups);
        });
    }

    /** A store request for a block already stored: its stamp and bytes fetched from a holder, as a recruiter sends them. */
    private byte[] storeRequest(Simulation sim, SimNode client, ContentId id) throws WireFormatException {
        SimNode holder = StorageNodes.holders(sim, storage, id).getFirst();
        Reply fetched = sim.await(client.node().request(holder.address(), PeerContentGroups.FETCH_ROUTE, id.toBytes(),
            Duration.ofSeconds(2)), LIMIT);
        PayloadReader in = new PayloadReader(fetched.payload(), "fetch reply");
        in.u8();
        byte[] stamp = in.raw(32 + 32 + 64);
        byte[] data = in.bytes();
        return new PayloadWriter(data.length + 200).raw(stamp).u8(3).addresses(List.of()).bytes(data).toByteArray();
    }

    /** A block put on a network of nodes with ordinary disks, and a client node with no storage to send requests. */
    private ContentId putOnQuickDisks(Simulation sim) {
        List<SimNode> quick = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            quick.add(node(sim, DiskWork.inline()));
        }
        sim.runFor(Duration.ofSeconds(5));
        return sim.await(storage.get(quick.getFirst()).put(text("written in good time")), LIMIT);
    }

    @Test
    void shouldAnswerStoredOnlyOnceTheCopyAndTheGroupsRecordAreDurable() throws Exception {
        Simulation sim = sims.create();
        ContentId id = putOnQuickDisks(sim);
        HeldDisk disk = new HeldDisk();
        SimNode slow = node(sim, disk);
        SimNode client = sim.spawn(api -> { });
        byte[] store = storeRequest(sim, client, id);

        CompletableFuture<Reply> answer = client.node().request(slow.address(), PeerContentGroups.STORE_ROUTE, store,
            Duration.ofSeconds(10));
        sim.runFor(Duration.ofSeconds(2));
        assertThat(answer).as("the answer while the copy is not durable").isNotDone();
        assertThat(storage.get(slow).holds(id)).isFalse();
        assertThat(disk.waiting()).as("writes waiting for the disk").isEqualTo(1);

        disk.release();
        sim.runFor(Duration.ofSeconds(2));
        assertThat(answer).as("the answer while the copy is durable but the group's record is not").isNotDone();
        assertThat(disk.waiting()).as("the group's record waiting for the disk, and the wait for it")
            .isGreaterThanOrEqualTo(2);

        disk.release();
        Reply reply = sim.await(answer, LIMIT);
        assertThat(reply.payload()[0]).as("store status").isEqualTo((byte) STORED);
        assertThat(storage.get(slow).holds(id)).isTrue();
    }

    @Test
    void shouldNotAcknowledgeAPutBeforeItsCopiesAreDurable() {
        Simulation sim = sims.create();
        List<HeldDisk> disks = new ArrayList<>();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HeldDisk disk = new HeldDisk();
            disks.add(disk);
            nodes.add(node(sim, disk));
        }
        sim.runFor(Duration.ofSeconds(5));
        CompletableFuture<ContentId> put = storage.get(nodes.getFirst()).put(text("durable before acknowledged"));
        for (int round = 0; round < 5; round++) {
            disks.getFirst().release(); // the owner's own copy is durable; its recruits' copies are not
            sim.runFor(Duration.ofMillis(200));
        }
        assertThat(disks.stream().skip(1).mapToInt(HeldDisk::waiting).sum()).as("recruits' writes waiting").isPositive();
        assertThat(put).as("the put while only the owner's copy is durable").isNotDone();

        for (int round = 0; round < 50 && !put.isDone(); round++) {
            disks.forEach(HeldDisk::release);
            sim.runFor(Duration.ofMillis(200));
        }
        ContentId id = sim.await(put, LIMIT);
        assertThat(StorageNodes.holders(sim, storage, id)).hasSizeGreaterThanOrEqualTo(CONFIG.writeQuorum());
    }

    @Test
    void shouldAnswerBusyWhenTheDiskHasFallenBehind() throws Exception {
        Simulation sim = sims.create();
        ContentId id = putOnQuickDisks(sim);
        SimNode behind = node(sim, new FailingDisk(new StoreBusyException("store a chunk", 64, 64)));
        SimNode client = sim.spawn(api -> { });

        Reply reply = sim.await(client.node().request(behind.address(), PeerContentGroups.STORE_ROUTE,
            storeRequest(sim, client, id), Duration.ofSeconds(10)), LIMIT);

        PayloadReader in = new PayloadReader(reply.payload(), "store reply");
        assertThat(in.u8()).as("store status").isEqualTo(BUSY);
        assertThat(in.text()).contains("the disk is busy");
        assertThat(storage.get(behind).holds(id)).isFalse();
    }

    @Test
    void shouldAnswerFullNamingTheErrorWhenTheDiskFailsToWrite() throws Exception {
        Simulation sim = sims.create();
        ContentId id = putOnQuickDisks(sim);
        SimNode broken = node(sim, new FailingDisk(new UncheckedIOException(new IOException("no space left on device"))));
        SimNode client = sim.spawn(api -> { });

        Reply reply = sim.await(client.node().request(broken.address(), PeerContentGroups.STORE_ROUTE,
            storeRequest(sim, client, id), Duration.ofSeconds(10)), LIMIT);

        PayloadReader in = new PayloadReader(reply.payload(), "store reply");
        assertThat(in.u8()).as("store status").isEqualTo(FULL);
        assertThat(in.text()).contains("the disk failed to write").contains("no space left on device");
        assertThat(storage.get(broken).holds(id)).isFalse();
    }

    /** A disk whose writes become durable only when the test releases them. */
    private static final class HeldDisk implements DiskWork {
        private final List<Runnable> held = new ArrayList<>();

        @Override
        public <T> CompletableFuture<T> run(String what, Callable<T> work, Executor completeOn) {
            CompletableFuture<T> result = new CompletableFuture<>();
            held.add(() -> {
                try {
                    T value = work.call();
                    completeOn.execute(() -> result.complete(value));
                } catch (Exception e) {
                    completeOn.execute(() -> result.completeExceptionally(e));
                }
            });
            return result;
        }

        int waiting() {
            return held.size();
        }

        void release() {
            List<Runnable> now = List.copyOf(held);
            held.clear();
            now.forEach(Runnable::run);
        }
    }

    /** A disk on which every write fails with the same error. */
    private record FailingDisk(RuntimeException error) implements DiskWork {
        @Override
        public <T> CompletableFuture<T> run(String what, Callable<T> work, Executor completeOn) {
            return CompletableFuture.failedFuture(error);
        }
    }
}
