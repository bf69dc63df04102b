package network.butter.persist;

/**
 * How the groups this node belongs to are staffed right now, for monitoring (the dashboard, {@code butter status}):
 * how many are short of members and being repaired, how many are just right, how many have too many and are
 * trimmed, and how much this node keeps for them.
 *
 * @param cold       groups with fewer live members than their replication factor
 * @param goldilocks groups with exactly as many
 * @param hot        groups with more
 * @param bytesHeld  bytes of the blocks this node keeps copies of
 */
public record GroupSummary(int cold, int goldilocks, int hot, long bytesHeld) {

    /** All groups this node belongs to. */
    public int groups() {
        return cold + goldilocks + hot;
    }
}
