package network.butter.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import network.butter.store.ChunkStore;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;

/**
 * A chunk store for tests whose faults are switched on and off: record writes that fail, data that is lost, and a
 * disk that flips a bit in everything it reads back without noticing.
 */
final class FaultyStore implements ChunkStore {

    private final MemoryChunkStore disk;
    private boolean failRecordWrites;
    private boolean forgetData;
    private boolean corruptReads;
    private int corruptReadCount;

    FaultyStore(long capacityBytes) {
        disk = new MemoryChunkStore(capacityBytes);
    }

    /** Every record write throws while on, like a disk with I/O errors. */
    void failRecordWrites(boolean on) {
        failRecordWrites = on;
    }

    /** Every chunk read finds nothing while on, though the store still says it holds the chunks. */
    void forgetData(boolean on) {
        forgetData = on;
    }

    /** Every chunk read comes back with its first bit flipped while on. */
    void corruptReads(boolean on) {
        corruptReads = on;
    }

    /** How many corrupt chunks this store has handed out. */
    int corruptReadCount() {
        return corruptReadCount;
    }

    @Override
    public boolean putRecord(ContentId block, byte[] record) {
        if (failRecordWrites) {
            throw new UncheckedIOException(new IOException("disk error (test)"));
        }
        return disk.putRecord(block, record);
    }

    @Override
    public boolean put(ContentId id, byte[] chunk) {
        return disk.put(id, chunk);
    }

    @Override
    public Optional<byte[]> get(ContentId id) {
        if (forgetData) {
            return Optional.empty();
        }
        return corruptReads ? disk.get(id).map(this::corrupt) : disk.get(id);
    }

    private byte[] corrupt(byte[] chunk) {
        corruptReadCount++;
        chunk[0] ^= 1;
        return chunk;
    }

    @Override
    public boolean contains(ContentId id) {
        return disk.contains(id);
    }

    @Override
    public void remove(ContentId id) {
        disk.remove(id);
    }

    @Override
    public Set<ContentId> ids() {
        return disk.ids();
    }

    @Override
    public Optional<byte[]> record(ContentId block) {
        return disk.record(block);
    }

    @Override
    public void removeRecord(ContentId block) {
        disk.removeRecord(block);
    }

    @Override
    public Set<ContentId> recordIds() {
        return disk.recordIds();
    }

    @Override
    public long usedBytes() {
        return disk.usedBytes();
    }

    @Override
    public long capacityBytes() {
        return disk.capacityBytes();
    }
}
