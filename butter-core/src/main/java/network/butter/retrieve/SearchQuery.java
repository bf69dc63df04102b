package network.butter.retrieve;

import java.util.Objects;
import network.butter.identity.PeerAddress;
import network.butter.store.ContentId;

/**
 * A query as it travels: which block, who wants it (hits go straight back there), which strategy forwards it and
 * how far it may still go.
 *
 * @param id        random query id; each node handles a query once
 * @param block     the block searched for
 * @param requester where hits are sent
 * @param strategy  the {@link SearchStrategy#code()} of the strategy forwarding it
 * @param ttl       hops left, counting the one that delivered it: a node forwards only if {@code ttl > 1}
 * @param parameter the strategy's own parameter (e.g. the forwarding fraction in thousandths, or walkers)
 */
public record SearchQuery(QueryId id, ContentId block, PeerAddress requester, int strategy, int ttl, int parameter) {

    /** The largest TTL a query may carry. */
    public static final int MAX_TTL = 32;

    /** Checks the fields. */
    public SearchQuery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(requester, "requester");
        if (strategy < 0 || strategy > 255 || ttl < 1 || ttl > MAX_TTL || parameter < 0 || parameter > 0xFFFF) {
            throw new IllegalArgumentException("bad query: strategy " + strategy + ", ttl " + ttl + " (1.." + MAX_TTL
                + "), parameter " + parameter);
        }
    }

    /** The same query one hop further. */
    public SearchQuery forwarded() {
        return withTtl(ttl - 1);
    }

    /** The same query with {@code hops} hops left (a forwarding node may lower the TTL to its limit). */
    public SearchQuery withTtl(int hops) {
        return new SearchQuery(id, block, requester, strategy, hops, parameter);
    }
}
