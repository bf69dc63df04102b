package network.butter.retrieve;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * How a query spreads: which peers the requester asks first and where a node that does not hold the block sends
 * it on. Strategies are chosen per search ({@link Retrieval#search}); every node that forwards a query looks its
 * strategy up by {@link #code()}, so a network must agree on the codes it uses (Butter's own are 0 to 2; codes
 * from 128 up are free for applications, registered with {@link Retrieval#register}).
 *
 * <p>A strategy is stateless: what varies per query (hops left, the strategy's parameter) travels in the
 * {@link SearchQuery}, and the node's view (known hosts, summaries, randomness) comes in the
 * {@link Neighbourhood}. Both methods run on the node loop and must be quick.
 */
public interface SearchStrategy {

    /** The code sent in queries, 0 to 255. */
    int code();

    /** A short name for logs and reports, e.g. {@code "bfs"}. */
    String name();

    /** Hops a new query may travel. */
    int ttl();

    /** The strategy's parameter for new queries, 0 to 65535 (see each strategy). */
    int parameter();

    /**
     * Peers the requester may fetch from straight away, before any query is sent (for example those whose
     * summaries say they hold the block). Empty by default.
     */
    default List<PeerAddress> likelyHolders(ContentId block, Neighbourhood here) {
        return List.of();
    }

    /** Where the requester sends the query first. */
    List<PeerAddress> firstHops(SearchQuery query, Neighbourhood here);

    /**
     * Where a node that does not hold the block sends the query next ({@code query.ttl() > 1} already checked);
     * {@code from} is the peer it came from.
     */
    List<PeerAddress> nextHops(SearchQuery query, Neighbourhood here, PeerId from);

    /**
     * The strategy of a search's next round, sent when a round brought no candidate within the search timeout; null
     * (the default) for no further round. A walk reaches a random part of a large network, so a wider walk is worth
     * a second try; a flood has already covered what its TTL allows.
     */
    default SearchStrategy nextRound() {
        return null;
    }

    /** Breadth-first search: every known host, up to {@code ttl} hops (the seed's BFS). */
    static SearchStrategy bfs(int ttl) {
        return new Bfs(ttl);
    }

    /** Random breadth-first search: a random {@code fraction} of the known hosts at each hop (the seed's RBFS). */
    static SearchStrategy randomBfs(int ttl, double fraction) {
        return new RandomBfs(ttl, fraction);
    }

    /** Summary-steered search with {@code walkers} random walkers as the fallback (Butter's default). */
    static SearchStrategy informed(int ttl, int walkers) {
        return new Informed(ttl, walkers);
    }
}
