package network.butter.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A chunk store in memory, for the simulator and tests; bounded like the disk store. Not thread-safe. */
public final class MemoryChunkStore implements ChunkStore {

    private final long capacityBytes;
    private final Map<ContentId, byte[]> chunks = new LinkedHashMap<>();
    private final Map<ContentId, byte[]> records = new LinkedHashMap<>();
    private long usedBytes;

    /** @param capacityBytes the most bytes it holds */
    public MemoryChunkStore(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must be >= 0, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    @Override
    public boolean put(ContentId id, byte[] chunk) {
        if (!id.matches(chunk)) {
            throw new IllegalArgumentException("chunk does not hash to " + id);
        }
        if (chunks.containsKey(id)) {
            return true;
        }
        if (usedBytes + chunk.length > capacityBytes) {
            return false;
        }
        chunks.put(id, chunk.clone());
        usedBytes += chunk.length;
        return true;
    }

    @Override
    public Optional<byte[]> get(ContentId id) {
        byte[] chunk = chunks.get(id);
        return chunk == null ? Optional.empty() : Optional.of(chunk.clone());
    }

    @Override
    public boolean contains(ContentId id) {
        return chunks.containsKey(id);
    }

    @Override
    public void remove(ContentId id) {
        byte[] removed = chunks.remove(id);
        if (removed != null) {
            usedBytes -= removed.length;
        }
    }

    @Override
    public Set<ContentId> ids() {
        return Set.copyOf(chunks.keySet());
    }

    @Override
    public boolean putRecord(ContentId block, byte[] record) {
        byte[] old = records.get(block);
        long growth = record.length - (old == null ? 0 : old.length);
        if (growth > 0 && usedBytes + growth > capacityBytes) {
            return false;
        }
        records.put(block, record.clone());
        usedBytes += growth;
        return true;
    }

    @Override
    public Optional<byte[]> record(ContentId block) {
        byte[] record = records.get(block);
        return record == null ? Optional.empty() : Optional.of(record.clone());
    }

    @Override
    public void removeRecord(ContentId block) {
        byte[] removed = records.remove(block);
        if (removed != null) {
            usedBytes -= removed.length;
        }
    }

    @Override
    public Set<ContentId> recordIds() {
        return Set.copyOf(records.keySet());
    }

    @Override
    public long usedBytes() {
        return usedBytes;
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }
}
