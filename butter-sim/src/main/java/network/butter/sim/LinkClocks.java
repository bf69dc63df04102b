package network.butter.sim;

import java.util.Arrays;

/**
 * When the last frame in flight on each link arrives, so frames on one link keep their order: a table from a link's
 * key to a virtual time in plain {@code long} arrays (open addressing, linear probing). It replaced a
 * {@code HashMap<Long, Long>}, which boxed two numbers and looked a node up for every frame the simulator carries.
 *
 * <p>An entry due no later than now says nothing (a new frame arrives after now anyway), so {@link #sweep} drops such
 * entries whenever the table has doubled since the last sweep: it holds the links busy now, not every pair that ever
 * talked. Keys are {@link Simulation}'s link keys, already multiplied by an odd constant, so their top bits spread
 * well; {@link #EMPTY} is a key no link has (it would need a node index of 2³¹).
 */
final class LinkClocks {

    /** Marks a free slot: the link key of node index 2³¹, which no node has. */
    static final long EMPTY = Long.MIN_VALUE;
    /** Entries below which the table is never swept. */
    private static final int MIN_SWEEP = 1 << 16;
    private static final int INITIAL_BITS = 10;

    private long[] keys;
    private long[] dueMs;
    private int bits;
    private int size;
    private int sweepAt = MIN_SWEEP;

    LinkClocks() {
        allocate(INITIAL_BITS);
    }

    /** When the last frame on {@code link} arrives, or {@code absentMs} if none is known. */
    long get(long link, long absentMs) {
        int mask = keys.length - 1;
        for (int i = slot(link); ; i = i + 1 & mask) {
            long key = keys[i];
            if (key == link) {
                return dueMs[i];
            }
            if (key == EMPTY) {
                return absentMs;
            }
        }
    }

    /** Records that the last frame on {@code link} arrives at {@code due}. */
    void put(long link, long due) {
        int mask = keys.length - 1;
        for (int i = slot(link); ; i = i + 1 & mask) {
            long key = keys[i];
            if (key == link) {
                dueMs[i] = due;
                return;
            }
            if (key == EMPTY) {
                keys[i] = link;
                dueMs[i] = due;
                if (++size > keys.length >>> 1) {
                    rebuild(bits + 1, Long.MIN_VALUE);
                }
                return;
            }
        }
    }

    /** Drops the entries due no later than {@code nowMs} once the table has doubled since the last sweep. */
    void sweep(long nowMs) {
        if (size > sweepAt) {
            int keep = 0;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != EMPTY && dueMs[i] > nowMs) {
                    keep++;
                }
            }
            int wanted = INITIAL_BITS;
            while (keep > (1 << wanted) >>> 2) {
                wanted++;
            }
            rebuild(wanted, nowMs);
            sweepAt = Math.max(MIN_SWEEP, 2 * size);
        }
    }

    /** Entries held. */
    int size() {
        return size;
    }

    private int slot(long link) {
        return (int) (link >>> (64 - bits));
    }

    /** Moves every entry due after {@code keepAfterMs} into a table of {@code 2^newBits} slots. */
    private void rebuild(int newBits, long keepAfterMs) {
        long[] oldKeys = keys;
        long[] oldDue = dueMs;
        allocate(newBits);
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            long key = oldKeys[i];
            if (key != EMPTY && oldDue[i] > keepAfterMs) {
                int j = slot(key);
                while (keys[j] != EMPTY) {
                    j = j + 1 & mask;
                }
                keys[j] = key;
                dueMs[j] = oldDue[i];
                size++;
            }
        }
    }

    private void allocate(int newBits) {
        bits = newBits;
        keys = new long[1 << newBits];
        Arrays.fill(keys, EMPTY);
        dueMs = new long[1 << newBits];
        size = 0;
    }
}
