package network.butter.retrieve;

import java.util.Collection;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.store.ContentId;

/**
 * What this node holds, as search sees it: the storage layer ({@code PeerContentGroups}) implements it, and tests
 * or experiments can supply synthetic content. Called on the node loop only.
 */
public interface HeldContent {

    /** Whether this node holds a copy of {@code block}. */
    boolean holds(ContentId block);

    /** Every block held here, for this node's summary. */
    Collection<ContentId> heldBlocks();

    /**
     * A number that changes whenever the held set changes, so the summary is rebuilt only when needed (a counter
     * is enough; it need not be a hash).
     */
    long version();

    /**
     * Other peers believed to hold {@code block} (its group's members), sent along with a hit so the requester
     * can fetch from several of them; empty if unknown.
     */
    List<PeerAddress> alsoHeldBy(ContentId block);
}
