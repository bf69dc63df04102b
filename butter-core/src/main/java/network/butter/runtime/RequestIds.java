package network.butter.runtime;

import java.util.function.IntPredicate;

/**
 * Hands out request ids: consecutive non-zero {@code int}s, never one still in flight. Until the counter has gone
 * round all 2<sup>32</sup> values no id can still be in flight, so the table of calls in flight is not asked at all
 * (that lookup was 7 % of a node loop's time at 64 requests in flight); after the first wrap an id still in flight,
 * and 0, are skipped. The ids are exactly those of checking every one.
 *
 * <p>Not thread-safe: used on the node loop only.
 */
final class RequestIds {

    private int next;
    private boolean wrapped;

    /** @param first the first id to hand out; 1 on a node, other values let tests start near the wrap */
    RequestIds(int first) {
        this.next = first;
    }

    /**
     * The next id.
     *
     * @param inFlight whether an id is still in use; asked only once the counter has wrapped
     */
    int next(IntPredicate inFlight) {
        int id = next++;
        if (id == 0) {
            wrapped = true;
            id = next++;
        }
        while (wrapped && (id == 0 || inFlight.test(id))) {
            id = next++;
        }
        return id;
    }
}
