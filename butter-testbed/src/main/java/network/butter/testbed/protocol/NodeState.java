package network.butter.testbed.protocol;

/**
 * What a node's data protocol holds at one moment, as its public APIs show it: the state a hostile peer can make
 * an honest node carry, to compare with the node's budget.
 *
 * @param storedBytes   bytes in its chunk store (blocks and records)
 * @param capacityBytes the chunk store's capacity: the storage budget
 * @param blocksHeld    blocks it holds a copy of (groups it is a member of)
 * @param tombstones    tombstones it keeps (records beyond its groups' own)
 */
public record NodeState(long storedBytes, long capacityBytes, int blocksHeld, int tombstones) {

    /** Nothing held: for protocols that keep no such state, and as the start of a maximum. */
    public static final NodeState EMPTY = new NodeState(0, 0, 0, 0);

    /** The larger of each figure of this and {@code other}: a peak over nodes or over time. */
    public NodeState max(NodeState other) {
        return new NodeState(Math.max(storedBytes, other.storedBytes), Math.max(capacityBytes, other.capacityBytes),
            Math.max(blocksHeld, other.blocksHeld), Math.max(tombstones, other.tombstones));
    }
}
