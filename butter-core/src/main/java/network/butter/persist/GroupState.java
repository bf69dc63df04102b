package network.butter.persist;

/**
 * How well a Peer Content Group is staffed, as the original Butter named it: fewer live members than the
 * replication factor {@code r} (cold, the leader recruits), exactly {@code r} (goldilocks), or more (hot, the
 * leader trims).
 */
public enum GroupState {
    /** Fewer than {@code r} live members: recruit. */
    COLD,
    /** Exactly {@code r} live members. */
    GOLDILOCKS,
    /** More than {@code r} live members: trim. */
    HOT;

    /** The state of a group with {@code liveMembers} live members and replication factor {@code r}. */
    public static GroupState of(int liveMembers, int r) {
        return liveMembers < r ? COLD : liveMembers == r ? GOLDILOCKS : HOT;
    }
}
