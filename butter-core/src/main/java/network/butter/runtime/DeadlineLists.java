package network.butter.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import network.butter.env.Cancellable;
import network.butter.env.NodeLoop;

/**
 * Deadlines of many entries with few distinct timeouts, at the cost of one loop timer per timeout instead of one per
 * entry. Entries with the same timeout expire in the order they were added (the clock only moves forward), so each
 * timeout keeps its entries in an intrusive FIFO list, with one timer for its head: adding and removing an entry are
 * O(1) and allocate nothing, and an entry removed before its deadline (the usual case: the answer came) costs no timer
 * work at all. A list's timer stays set when its head goes; when it fires it expires what is due and sets itself for
 * the new head, or drops the list if it is empty. Expiry times are exactly those of a timer per entry.
 *
 * <p>Used on the node loop only.
 *
 * @param <E> the entries
 */
final class DeadlineLists<E extends DeadlineLists.Entry> {

    /** An entry's links and deadline; an entry is in at most one list at a time. */
    abstract static class Entry {
        /** When the entry expires, on the loop's clock, in milliseconds; set when it is added. */
        long deadlineMs;
        private Entry previous;
        private Entry next;
        private DeadlineLists<?>.Timeout list;
    }

    private final NodeLoop loop;
    private final Consumer<E> onExpired;
    private final Map<Long, Timeout> byTimeout = new HashMap<>();
    /** The list used last: most nodes use one or two timeouts, so this spares the map (and a boxed key) per entry. */
    private Timeout last;

    /**
     * @param loop      the node loop, whose clock and timers are used
     * @param onExpired told of each entry whose deadline passed (already removed)
     */
    DeadlineLists(NodeLoop loop, Consumer<E> onExpired) {
        this.loop = loop;
        this.onExpired = onExpired;
    }

    /** Adds an entry that expires {@code timeoutMs} from now, and sets its {@link Entry#deadlineMs}. */
    void add(E entry, long timeoutMs) {
        Timeout list = last != null && last.timeoutMs == timeoutMs ? last : byTimeout.get(timeoutMs);
        if (list == null) {
            list = new Timeout(timeoutMs);
            byTimeout.put(timeoutMs, list);
        }
        last = list;
        entry.deadlineMs = loop.nowMillis() + timeoutMs;
        list.append(entry);
    }

    /** Removes an entry before its deadline; does nothing if it is not in a list (expired, or removed already). */
    void remove(E entry) {
        Entry linked = entry;
        if (linked.list != null) {
            linked.list.unlink(linked);
        }
    }

    /** Entries with the same timeout, oldest first, and the timer for the oldest. */
    private final class Timeout {
        final long timeoutMs;
        private Entry head;
        private Entry tail;
        private Cancellable timer;
        private boolean firing;

        Timeout(long timeoutMs) {
            this.timeoutMs = timeoutMs;
        }

        void append(Entry entry) {
            entry.list = this;
            entry.previous = tail;
            entry.next = null;
            if (tail == null) {
                head = entry;
            } else {
                tail.next = entry;
            }
            tail = entry;
            if (timer == null && !firing) {
                arm(entry.deadlineMs);
            }
        }

        void unlink(Entry entry) {
            if (entry.previous == null) {
                head = entry.next;
            } else {
                entry.previous.next = entry.next;
            }
            if (entry.next == null) {
                tail = entry.previous;
            } else {
                entry.next.previous = entry.previous;
            }
            entry.previous = null;
            entry.next = null;
            entry.list = null;
        }

        private void arm(long deadlineMs) {
            timer = loop.schedule(Math.max(0, deadlineMs - loop.nowMillis()), this::fire);
        }

        /** Expires what is due (entries added meanwhile wait for the timer set for the new head), then re-arms. */
        @SuppressWarnings("unchecked")
        private void fire() {
            timer = null;
            firing = true;
            try {
                long now = loop.nowMillis();
                while (head != null && head.deadlineMs <= now) {
                    Entry due = head;
                    unlink(due);
                    onExpired.accept((E) due);
                }
            } finally {
                firing = false;
            }
            if (head != null) {
                arm(head.deadlineMs);
            } else {
                byTimeout.remove(timeoutMs);
                if (last == this) {
                    last = null;
                }
            }
        }
    }
}
