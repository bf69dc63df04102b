package network.butter.retrieve;

import java.util.List;
import java.util.random.RandomGenerator;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * What a {@link SearchStrategy} may look at on the node deciding where a query goes: its known hosts, its
 * randomness, and the content summaries those hosts sent it. Valid only during the call it is passed to.
 */
public interface Neighbourhood {

    /** This node's known hosts, the candidates for the next hop. */
    List<PeerAddress> knownHosts();

    /** The node's randomness (seeded in the simulator, so searches replay exactly). */
    RandomGenerator random();

    /** Whether {@code host}'s own summary says it may hold {@code block}; false if no summary came from it. */
    boolean mayHold(PeerId host, ContentId block);

    /**
     * Whether {@code host}'s neighbourhood summary (the union of its own known hosts' summaries) says one of its
     * neighbours may hold {@code block}; false if no summary came from it.
     */
    boolean mayReach(PeerId host, ContentId block);
}
