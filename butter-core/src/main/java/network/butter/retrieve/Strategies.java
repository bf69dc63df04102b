package network.butter.retrieve;

import java.util.ArrayList;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/** What the built-in strategies share. */
final class Strategies {

    private Strategies() {
    }

    static void requireTtl(int ttl) {
        if (ttl < 1 || ttl > SearchQuery.MAX_TTL) {
            throw new IllegalArgumentException("a search TTL must be 1 to " + SearchQuery.MAX_TTL + " hops, got " + ttl);
        }
    }

    /** Never back to where the query came from, nor to the requester (it knows what it asked). */
    static boolean mayForwardTo(PeerAddress host, SearchQuery query, PeerId from) {
        return !host.id().equals(from) && !host.id().equals(query.requester().id());
    }

    /** The known hosts a query may go on to from here (see {@link #mayForwardTo}). */
    static List<PeerAddress> eligible(Neighbourhood here, SearchQuery query, PeerId from) {
        List<PeerAddress> eligible = new ArrayList<>();
        for (PeerAddress host : here.knownHosts()) {
            if (mayForwardTo(host, query, from)) {
                eligible.add(host);
            }
        }
        return eligible;
    }

    /** Up to {@code wanted} of {@code peers}, chosen at random without repeats. */
    static List<PeerAddress> randomSubset(List<PeerAddress> peers, int wanted, Neighbourhood here) {
        List<PeerAddress> pool = new ArrayList<>(peers);
        int count = Math.min(wanted, pool.size());
        for (int i = 0; i < count; i++) {
            int j = i + here.random().nextInt(pool.size() - i);
            pool.set(i, pool.set(j, pool.get(i)));
        }
        return List.copyOf(pool.subList(0, count));
    }
}
