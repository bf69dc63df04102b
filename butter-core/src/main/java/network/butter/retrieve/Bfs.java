package network.butter.retrieve;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * Breadth-first search, as the original Butter did it: the query goes to every known host, which passes it to
 * every known host of its own, until the TTL runs out. It finds whatever is within reach and costs about
 * (known hosts)<sup>TTL</sup> messages. Its parameter is unused.
 *
 * @param ttl hops a query may travel, 1 to {@link SearchQuery#MAX_TTL}
 */
public record Bfs(int ttl) implements SearchStrategy {

    /** The code of BFS queries. */
    public static final int CODE = 0;

    /** Checks the TTL. */
    public Bfs {
        Strategies.requireTtl(ttl);
    }

    @Override
    public int code() {
        return CODE;
    }

    @Override
    public String name() {
        return "bfs";
    }

    @Override
    public int parameter() {
        return 0;
    }

    @Override
    public List<PeerAddress> firstHops(SearchQuery query, Neighbourhood here) {
        return here.knownHosts();
    }

    @Override
    public List<PeerAddress> nextHops(SearchQuery query, Neighbourhood here, PeerId from) {
        return Strategies.eligible(here, query, from);
    }
}
