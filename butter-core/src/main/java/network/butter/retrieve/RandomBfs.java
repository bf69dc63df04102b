package network.butter.retrieve;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * Random breadth-first search, as the original Butter did it: like {@link Bfs}, but each hop goes to a random
 * fraction of the known hosts (at least one). Cheaper than BFS, and it misses what the random choice passes by.
 * Its parameter is the fraction in thousandths.
 *
 * @param ttl      hops a query may travel, 1 to {@link SearchQuery#MAX_TTL}
 * @param fraction share of the known hosts each hop goes to, above 0 and at most 1 (default 0.5)
 */
public record RandomBfs(int ttl, double fraction) implements SearchStrategy {

    /** The code of RBFS queries. */
    public static final int CODE = 1;

    /** Checks the TTL and fraction. */
    public RandomBfs {
        Strategies.requireTtl(ttl);
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the forwarding fraction must be above 0 and at most 1, got " + fraction);
        }
    }

    @Override
    public int code() {
        return CODE;
    }

    @Override
    public String name() {
        return "rbfs";
    }

    @Override
    public int parameter() {
        return Math.max(1, (int) Math.round(fraction * 1000));
    }

    @Override
    public List<PeerAddress> firstHops(SearchQuery query, Neighbourhood here) {
        return pick(query, here, null);
    }

    @Override
    public List<PeerAddress> nextHops(SearchQuery query, Neighbourhood here, PeerId from) {
        return pick(query, here, from);
    }

    private static List<PeerAddress> pick(SearchQuery query, Neighbourhood here, PeerId from) {
        List<PeerAddress> eligible = Strategies.eligible(here, query, from);
        int wanted = (int) Math.ceil(eligible.size() * Math.min(1000, query.parameter()) / 1000.0);
        return Strategies.randomSubset(eligible, wanted, here);
    }
}
