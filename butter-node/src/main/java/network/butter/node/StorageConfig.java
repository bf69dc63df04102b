package network.butter.node;

import java.nio.file.Path;
import java.util.Objects;
import network.butter.api.Limits;
import network.butter.persist.PcgConfig;

/**
 * How a node takes part in persistent storage ({@link network.butter.persist.PeerContentGroups}): the protocol's
 * settings and how much its chunk store may hold. Part of {@link NodeConfig}, which derives both unless told
 * otherwise; a node with a data directory keeps its chunks in {@value #CHUNK_DIRECTORY} under it, so that after a
 * restart it still holds them and rejoins their groups, and a node without one keeps them in memory.
 *
 * @param protocol      settings of Peer Content Groups
 * @param capacityBytes the most bytes the chunk store holds, chunks and their group records together; 0 makes a
 *                      node that reads and writes content but keeps no copies for the network
 */
public record StorageConfig(PcgConfig protocol, long capacityBytes) {

    /** Directory under the node's data directory that holds its chunks. */
    public static final String CHUNK_DIRECTORY = "chunks";

    /**
     * Capacity of a chunk store on disk unless set: 1 GiB, enough to be a useful member of many groups while
     * staying well clear of filling a disk the operator did not size for it.
     */
    public static final long DEFAULT_DISK_CAPACITY_BYTES = 1L << 30;

    /**
     * A chunk store in memory defaults to this fraction of the memory budget: {@link Limits} leaves half of the
     * budget to the data layers, and the chunks take half of that, leaving room for known hosts and lookups.
     */
    private static final int MEMORY_CAPACITY_DIVISOR = 4;

    /** The largest chunk store in memory is this fraction of the budget: all that {@link Limits} leaves over. */
    private static final int MAX_MEMORY_CAPACITY_DIVISOR = 2;

    /** Chunks are not made smaller than this to fit small frames: below it a store request is mostly overhead. */
    private static final int MIN_FITTED_CHUNK_BYTES = 1024;

    /** Checks the values. */
    public StorageConfig {
        Objects.requireNonNull(protocol, "protocol");
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("the storage capacity must be >= 0 bytes, got " + capacityBytes);
        }
    }

    /**
     * The storage capacity a node gets unless set: {@link #DEFAULT_DISK_CAPACITY_BYTES} on disk, or a quarter of
     * the memory budget in memory.
     *
     * @param onDisk            whether the node has a data directory to keep chunks in
     * @param memoryBudgetBytes the node's memory budget
     */
    public static long defaultCapacityBytes(boolean onDisk, long memoryBudgetBytes) {
        return onDisk ? DEFAULT_DISK_CAPACITY_BYTES : memoryBudgetBytes / MEMORY_CAPACITY_DIVISOR;
    }

    /** The most a chunk store in memory may hold for a memory budget: half of it, what the limits leave over. */
    public static long maxMemoryCapacityBytes(long memoryBudgetBytes) {
        return memoryBudgetBytes / MAX_MEMORY_CAPACITY_DIVISOR;
    }

    /**
     * The protocol settings a node gets unless set: {@link PcgConfig#defaults()}, with chunks made smaller only
     * where the frame limit cannot carry the default ones (memory budgets under about 34 MiB, or frame limits set
     * lower), so that every budget {@link Limits} accepts runs storage out of the box. Such a node names content
     * larger than a chunk differently from default nodes, but reads and serves theirs just the same. Frames too
     * small for chunks of 1 KiB keep the defaults, which {@link NodeConfig} then rejects with advice.
     */
    public static PcgConfig defaultProtocol(Limits limits) {
        PcgConfig defaults = PcgConfig.defaults();
        int fitting = limits.maxFrameBytes() - PcgConfig.STORE_OVERHEAD_BYTES;
        return fitting >= defaults.chunkBytes() || fitting < MIN_FITTED_CHUNK_BYTES
            ? defaults
            : defaults.withChunkBytes(fitting);
    }

    /** Where a node with data directory {@code dataDirectory} keeps its chunks. */
    public static Path chunkDirectory(Path dataDirectory) {
        return dataDirectory.resolve(CHUNK_DIRECTORY);
    }

    /**
     * Checks that a node with these limits and this budget can run this storage.
     *
     * @param limits            the node's limits: a chunk travels whole in one frame
     * @param memoryBudgetBytes the node's memory budget, which a store in memory must fit in
     * @param onDisk            whether the chunks go to disk
     * @throws IllegalArgumentException saying what does not fit and how to fix it
     */
    void checkFits(Limits limits, long memoryBudgetBytes, boolean onDisk) {
        if (protocol.minFrameBytes() > limits.maxFrameBytes()) {
            throw new IllegalArgumentException("storage chunks of " + protocol.chunkBytes() + " bytes need frames of at"
                + " least " + protocol.minFrameBytes() + " bytes, but this node's frames are limited to "
                + limits.maxFrameBytes() + " bytes: raise the memory budget or maxFrameBytes, lower chunkBytes, or"
                + " turn storage off");
        }
        long maxInMemory = maxMemoryCapacityBytes(memoryBudgetBytes);
        if (!onDisk && capacityBytes > maxInMemory) {
            throw new IllegalArgumentException("a chunk store in memory of " + capacityBytes + " bytes exceeds half"
                + " the memory budget (" + maxInMemory + " of " + memoryBudgetBytes + " bytes): give the node a data"
                + " directory to keep chunks on disk, lower the storage capacity, or raise the memory budget");
        }
    }
}
