package network.butter.persist;

/**
 * Settings of {@link PeerContentGroups}. Start from {@link #defaults()} and change what you need with the
 * {@code with…} methods; every value is checked.
 *
 * @param replication         members per group, {@code r} (default 3)
 * @param writeQuorum         members that must hold a block before a put succeeds, {@code w} (default: a
 *                            majority of {@code r})
 * @param heartbeatIntervalMs mean time between heartbeats to each partner, in milliseconds (default 2,000)
 * @param palpitation         relative jitter of each heartbeat round, 0 to 1 (default 0.25: 75 %–125 % of the
 *                            interval), so nodes that started together do not beat in step
 * @param memberTimeoutBeats  heartbeat intervals of silence after which a member counts as gone (default 2.5)
 * @param requestTimeoutMs    how long any one storage request may take, in milliseconds (default 2,000)
 * @param chunkBytes          size of a chunk; content up to this size is one block (default
 *                            {@link #DEFAULT_CHUNK_BYTES}); it must fit in the peers' frames
 * @param maxLookups          most peers a {@code get} asks when it must look for a block (default 256)
 * @param maxReplication      the largest group adaptive replication may grow to (default 5); equal to
 *                            {@code replication} turns adaptation off
 * @param targetLossPerDay    adaptive replication's goal: the chance a group loses all its members within one
 *                            repair time, scaled to a day; r grows while the churn this node observes makes that
 *                            chance larger (only with {@code maxReplication > replication})
 */
public record PcgConfig(int replication, int writeQuorum, long heartbeatIntervalMs, double palpitation,
                        double memberTimeoutBeats, long requestTimeoutMs, int chunkBytes, int maxLookups,
                        int maxReplication, double targetLossPerDay) {

    /**
     * Default chunk size, 256 KiB, chosen from measurements ({@code scripts/chunk-size-bench.sh}, table in
     * {@code docs/EXPERIMENTS.md}): every group costs a store, a fetch and a heartbeat entry per partner, so on real
     * loopback nodes 256 KiB put 8 MiB about 3× and read it about 1.5× as fast as 64 KiB, with a third of the
     * heartbeat bytes; 4 KiB (the seed's) could not put 8 MiB at all. With its headers it fits in a quarter of the
     * default 1 MiB frame, so no peer needs a larger frame and a chunk holds a connection for a quarter of a frame's
     * time; 1 MiB was faster still but needs larger frames on every peer and blocks a connection four times as
     * long. Nodes whose frames are under {@code chunkBytes + 4096} (memory budgets under ~130 MiB) must lower it.
     */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;

    /** Largest replication factor accepted, here and from peers. */
    public static final int MAX_REPLICATION = 16;

    /**
     * Room a store request needs beside its chunk (the owner's stamp, the member addresses, framing), in bytes: a
     * node's frames must be at least {@link #minFrameBytes()} long to take part.
     */
    public static final int STORE_OVERHEAD_BYTES = 4096;

    /**
     * Most of a store one owner's blocks may fill, so that one key (or a crowd of them acting together, each
     * within its share) cannot take a node's whole store.
     */
    public static final double MAX_OWNER_SHARE = 0.25;

    /** Most tombstones a node keeps for one owner; that owner's oldest go first. */
    public static final int MAX_TOMBSTONES_PER_OWNER = 4_096;

    /** Most tombstones a node keeps in all; when full, the owner with the most loses its oldest. */
    public static final int MAX_TOMBSTONES = 65_536;

    /** Most tombstones one heartbeat may carry; a beat with more is refused as malformed. */
    public static final int MAX_TOMBSTONES_PER_BEAT = 64;

    /** Checks every value. */
    public PcgConfig {
        if (replication < 1 || replication > MAX_REPLICATION) {
            throw new IllegalArgumentException("replication must be 1.." + MAX_REPLICATION + ", got " + replication);
        }
        if (writeQuorum < 1 || writeQuorum > replication) {
            throw new IllegalArgumentException("writeQuorum must be 1..replication (" + replication + "), got " + writeQuorum);
        }
        if (heartbeatIntervalMs < 10) {
            throw new IllegalArgumentException("heartbeatIntervalMs must be at least 10, got " + heartbeatIntervalMs);
        }
        if (!(palpitation >= 0 && palpitation <= 1)) {
            throw new IllegalArgumentException("palpitation must be within 0 and 1, got " + palpitation);
        }
        if (!(memberTimeoutBeats >= 1.5)) {
            throw new IllegalArgumentException("memberTimeoutBeats must be at least 1.5, got " + memberTimeoutBeats);
        }
        if (requestTimeoutMs < 1) {
            throw new IllegalArgumentException("requestTimeoutMs must be positive, got " + requestTimeoutMs);
        }
        if (chunkBytes < 64) {
            throw new IllegalArgumentException("chunkBytes must be at least 64, got " + chunkBytes);
        }
        if (maxLookups < 1) {
            throw new IllegalArgumentException("maxLookups must be positive, got " + maxLookups);
        }
        if (maxReplication < replication || maxReplication > MAX_REPLICATION) {
            throw new IllegalArgumentException("maxReplication must be replication.." + MAX_REPLICATION + ", got "
                + maxReplication);
        }
        if (!(targetLossPerDay > 0 && targetLossPerDay < 1)) {
            throw new IllegalArgumentException("targetLossPerDay must be within 0 and 1 (both excluded), got "
                + targetLossPerDay);
        }
    }

    /** The replication adaptive replication may grow to by default. */
    public static final int DEFAULT_MAX_REPLICATION = 5;

    /**
     * r = 3, w = 2, 2 s heartbeats with 25 % palpitation, 2.5 beats to time out, 256 KiB chunks, and adaptive
     * replication from 3 up to {@link #DEFAULT_MAX_REPLICATION} for a loss target of 10⁻⁶ per day.
     *
     * <p>Adaptive by default because fixed r = 3 is not enough on an open network: with silent deaths at 1/50 per
     * node and second (and with 10 % of the nodes flooding) a group's three members can all go dark within one
     * detection window, and the seed's retention experiment kept 499 of 500 items; growing to 5 while a node
     * observes churn (or has not yet watched long enough to know there is none) kept 500 of 500 in every row
     * ({@code docs/EXPERIMENTS.md}, "Hostile peers and silent failures"). Calm networks come back down to 3
     * within minutes. Use {@link #withFixedReplication(int)} for a fixed group size.
     */
    public static PcgConfig defaults() {
        return new PcgConfig(3, 2, 2_000, 0.25, 2.5, 2_000, DEFAULT_CHUNK_BYTES, 256, 5, 1e-6);
    }

    /**
     * Most other members one group's view keeps: twice the largest replication, at least 8. A stranger beyond it is
     * not admitted, so a crowd of ids cannot make one group's state grow.
     */
    public int maxMembersPerGroup() {
        return Math.max(8, 2 * maxReplication);
    }

    /**
     * Most groups a node belongs to: a group costs about 2 KiB of memory, and groups may use an eighth of the
     * node's memory budget, which is 512 frames ({@code Limits.forMemoryBudget}): 32,768 groups at 1 MiB frames.
     *
     * @param maxFrameBytes the node's frame limit
     */
    public int maxGroups(int maxFrameBytes) {
        return Math.max(1_024, maxFrameBytes / 32);
    }

    /** Silence after which a member counts as gone, in milliseconds. */
    public long memberTimeoutMs() {
        return Math.round(heartbeatIntervalMs * memberTimeoutBeats);
    }

    /**
     * The smallest frame limit a node needs for these settings: a chunk plus {@link #STORE_OVERHEAD_BYTES}, since
     * a chunk travels whole in one store request or fetch reply.
     */
    public int minFrameBytes() {
        return chunkBytes + STORE_OVERHEAD_BYTES;
    }

    /** Whether the group size adapts to observed churn. */
    public boolean adaptive() {
        return maxReplication > replication;
    }

    /** These settings with replication {@code r} and a majority write quorum (adaptation capped at r or above). */
    public PcgConfig withReplication(int r) {
        return new PcgConfig(r, r / 2 + 1, heartbeatIntervalMs, palpitation, memberTimeoutBeats, requestTimeoutMs,
            chunkBytes, maxLookups, Math.max(r, maxReplication), targetLossPerDay);
    }

    /**
     * These settings with replication fixed at {@code r} and a majority write quorum: groups neither grow under
     * churn nor start larger on a node that has not yet watched any, e.g. to compare with a fixed-r system or to
     * specify exact group sizes.
     */
    public PcgConfig withFixedReplication(int r) {
        return new PcgConfig(r, r / 2 + 1, heartbeatIntervalMs, palpitation, memberTimeoutBeats, requestTimeoutMs,
            chunkBytes, maxLookups, r, targetLossPerDay);
    }

    /**
     * These settings with replication {@code r} (a majority write quorum) adapting up to {@code max}, or fixed at
     * {@code r} if {@code max <= r}: how a command line's {@code --replication} and {@code --max-replication} map on.
     */
    public PcgConfig withReplication(int r, int max) {
        PcgConfig fixed = withFixedReplication(r);
        return max > r ? fixed.withAdaptiveReplication(max, targetLossPerDay) : fixed;
    }

    /** These settings with write quorum {@code w}. */
    public PcgConfig withWriteQuorum(int w) {
        return new PcgConfig(replication, w, heartbeatIntervalMs, palpitation, memberTimeoutBeats, requestTimeoutMs,
            chunkBytes, maxLookups, maxReplication, targetLossPerDay);
    }

    /** These settings with another heartbeat interval. */
    public PcgConfig withHeartbeatIntervalMs(long intervalMs) {
        return new PcgConfig(replication, writeQuorum, intervalMs, palpitation, memberTimeoutBeats, requestTimeoutMs,
            chunkBytes, maxLookups, maxReplication, targetLossPerDay);
    }

    /** These settings with another chunk size. */
    public PcgConfig withChunkBytes(int bytes) {
        return new PcgConfig(replication, writeQuorum, heartbeatIntervalMs, palpitation, memberTimeoutBeats,
            requestTimeoutMs, bytes, maxLookups, maxReplication, targetLossPerDay);
    }

    /** These settings with replication adapting between {@code replication} and {@code max}. */
    public PcgConfig withAdaptiveReplication(int max, double lossPerDay) {
        return new PcgConfig(replication, writeQuorum, heartbeatIntervalMs, palpitation, memberTimeoutBeats,
            requestTimeoutMs, chunkBytes, maxLookups, max, lossPerDay);
    }
}
