package network.butter.retrieve;

import java.util.List;
import java.util.Objects;
import network.butter.identity.PeerAddress;

/**
 * A peer a search says holds the block: either it answered a query itself ({@code confirmed}), or a content
 * summary suggests it (a Bloom filter can be wrong, so the fetch that follows must check).
 *
 * @param holder     the peer to fetch from
 * @param alsoHeldBy other peers the holder names as holding the block too (its group), for parallel fetches
 * @param confirmed  whether the holder itself answered
 */
public record Candidate(PeerAddress holder, List<PeerAddress> alsoHeldBy, boolean confirmed) {

    /** Copies the list. */
    public Candidate {
        Objects.requireNonNull(holder, "holder");
        alsoHeldBy = List.copyOf(alsoHeldBy);
    }
}
