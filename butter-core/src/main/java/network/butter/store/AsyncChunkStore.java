package network.butter.store;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChunkStore} as protocol code on the node loop uses it: writes and removals run through {@link DiskWork}
 * (off the loop on a real node), reads of the in-memory index and of small records stay direct.
 *
 * <p>A chunk write returns a future that completes on the node loop once the chunk is durable, so a "stored" reply
 * or a put's acknowledgement can wait for it. Removals and group records are written behind: they run in order after
 * every earlier write of this node, and a failure is logged (a group's record is written again when its group next
 * changes; a chunk whose removal failed stays, counted in the store's used bytes). Chunk reads stay on the caller's thread:
 * chunks are bounded by the frame size and read from the page cache, where a read costs microseconds.
 */
public final class AsyncChunkStore {

    private static final Logger log = LoggerFactory.getLogger(AsyncChunkStore.class);
    private static final Executor ON_THE_SPOT = Runnable::run;

    private final ChunkStore store;
    private final DiskWork disk;
    private Executor loop = ON_THE_SPOT;

    /** @param store the store itself; @param disk where its writes run */
    public AsyncChunkStore(ChunkStore store, DiskWork disk) {
        this.store = Objects.requireNonNull(store, "store");
        this.disk = Objects.requireNonNull(disk, "disk");
    }

    /** Completions of {@link #put} run on {@code nodeLoop} from now on; called once the node loop exists. */
    public void completeOn(Executor nodeLoop) {
        this.loop = Objects.requireNonNull(nodeLoop, "nodeLoop");
    }

    /**
     * Keeps a chunk. The future completes on the node loop once the chunk is durable: {@code true} if kept, {@code
     * false} if the store lacks room; failed with {@link StoreBusyException} if the disk has fallen behind, or with
     * the store's error ({@link java.io.UncheckedIOException}, {@link IllegalArgumentException}).
     */
    public CompletableFuture<Boolean> put(ContentId id, byte[] chunk) {
        return disk.run("store chunk " + id, () -> store.put(id, chunk), loop);
    }

    /** Drops a chunk after every earlier write; harmless if it is not there. */
    public void remove(ContentId id) {
        behind("remove chunk " + id, () -> store.remove(id));
    }

    /** Writes a block's record after every earlier write, replacing any earlier one (see {@link ChunkStore#putRecord}). */
    public void putRecord(ContentId block, byte[] record) {
        behind("write the record of " + block, () -> {
            if (!store.putRecord(block, record)) {
                log.warn("no room in the store for the record of {} ({} bytes)", block, record.length);
            }
        });
    }

    /** Drops a block's record after every earlier write. */
    public void removeRecord(ContentId block) {
        behind("remove the record of " + block, () -> store.removeRecord(block));
    }

    /**
     * Completes on the node loop once every write given before it is durable (the disk work runs in order): e.g. a
     * group's record written behind, before a reply promises it.
     */
    public CompletableFuture<Void> afterEarlierWrites() {
        return disk.runBehind("wait for earlier writes", () -> null, loop);
    }

    private void behind(String what, Runnable work) {
        disk.runBehind(what, () -> {
            work.run();
            return null;
        }, ON_THE_SPOT).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("could not {}: {}", what, error.toString());
            }
        });
    }

    /** The chunk, verified, or empty (see {@link ChunkStore#get}); read on the caller's thread. */
    public Optional<byte[]> get(ContentId id) {
        return store.get(id);
    }

    /** Whether a durable copy of the chunk is here. */
    public boolean contains(ContentId id) {
        return store.contains(id);
    }

    /** The ids of every durable chunk. */
    public Set<ContentId> ids() {
        return store.ids();
    }

    /** The record kept for a block, or empty. */
    public Optional<byte[]> record(ContentId block) {
        return store.record(block);
    }

    /** The blocks that have a record. */
    public Set<ContentId> recordIds() {
        return store.recordIds();
    }

    /** Bytes held. */
    public long usedBytes() {
        return store.usedBytes();
    }

    /** Bytes the store may hold in all. */
    public long capacityBytes() {
        return store.capacityBytes();
    }

    /** Bytes still free. */
    public long availableBytes() {
        return store.availableBytes();
    }
}
