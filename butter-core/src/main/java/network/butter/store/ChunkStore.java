package network.butter.store;

import java.util.Optional;
import java.util.Set;

/**
 * Where a node keeps the chunks it holds for Peer Content Groups. Bounded: a full store refuses new chunks, and a
 * node whose store is full declines to join groups. Implementations verify chunks against their ids both when
 * they take them and when they hand them out, so corruption on disk is detected, never passed on.
 *
 * <p>Like the transport, the store is given to the storage protocol from outside: the real node uses files, the
 * simulator and tests use memory.
 */
public interface ChunkStore {

    /**
     * Keeps a chunk. Returns once the chunk is durable (for a disk store: written and synced), so a caller may
     * acknowledge it.
     *
     * @return false if the store lacks room for it (nothing is changed)
     * @throws IllegalArgumentException if {@code chunk} does not hash to {@code id}
     * @throws java.io.UncheckedIOException if the store cannot write
     */
    boolean put(ContentId id, byte[] chunk);

    /** The chunk, verified, or empty if it is not here or failed verification (a corrupt copy is dropped). */
    Optional<byte[]> get(ContentId id);

    /** Whether the chunk is here (not verified). */
    boolean contains(ContentId id);

    /** Drops a chunk; harmless if it is not here. */
    void remove(ContentId id);

    /** The ids of every chunk held. */
    Set<ContentId> ids();

    /**
     * Keeps a small record about a block next to it, replacing any earlier one: what a node must remember across
     * a restart to rejoin the block's group (its owner's stamp, the group's members) or to refuse the block again
     * (a tombstone). Durable on return, like {@link #put}; counted in {@link #usedBytes()}.
     *
     * @return false if the store lacks room for it (nothing is changed)
     */
    boolean putRecord(ContentId block, byte[] record);

    /** The record kept for a block, or empty. */
    Optional<byte[]> record(ContentId block);

    /** Drops a block's record; harmless if there is none. */
    void removeRecord(ContentId block);

    /** The blocks that have a record. */
    Set<ContentId> recordIds();

    /** Bytes held. */
    long usedBytes();

    /** Bytes the store may hold in all. */
    long capacityBytes();

    /** Bytes still free. */
    default long availableBytes() {
        return Math.max(0, capacityBytes() - usedBytes());
    }
}
