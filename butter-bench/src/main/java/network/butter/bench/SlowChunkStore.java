package network.butter.bench;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import network.butter.store.ChunkStore;
import network.butter.store.ContentId;

/**
 * A chunk store on a slow disk, for measuring what a slow disk does to a node: every write (a chunk or a group
 * record) takes {@code writeDelayMs} more than the store under it, on the thread that writes. Reads are as fast as
 * the store under it, as a page cache makes them.
 */
final class SlowChunkStore implements ChunkStore {

    private final ChunkStore store;
    private final long writeDelayMs;

    SlowChunkStore(ChunkStore store, long writeDelayMs) {
        this.store = store;
        this.writeDelayMs = writeDelayMs;
    }

    private void slowDisk() {
        try {
            TimeUnit.MILLISECONDS.sleep(writeDelayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the slow disk wrote", e);
        }
    }

    @Override
    public boolean put(ContentId id, byte[] chunk) {
        slowDisk();
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
        slowDisk();
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
