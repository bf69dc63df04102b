package network.butter.sim;

import java.util.Arrays;

/**
 * A map from a virtual time (a non-negative number of milliseconds) to a value, in plain arrays: open addressing with
 * linear probing and backward-shift deletion, so the event queue finds the bucket of a due time without boxing it.
 *
 * @param <V> the value type
 */
final class DueTimeTable<V> {

    /** Marks a free slot: no due time is negative. */
    private static final long FREE = -1;
    private static final int INITIAL_BITS = 8;
    /** Fibonacci hashing: consecutive times land far apart. */
    private static final long SPREAD = 0x9E37_79B9_7F4A_7C15L;

    private long[] keys;
    private Object[] values;
    private int bits;
    private int size;

    DueTimeTable() {
        allocate(INITIAL_BITS);
    }

    /** The value of {@code time}, or null. */
    @SuppressWarnings("unchecked")
    V get(long time) {
        int mask = keys.length - 1;
        for (int i = slot(time); ; i = i + 1 & mask) {
            long key = keys[i];
            if (key == time) {
                return (V) values[i];
            }
            if (key == FREE) {
                return null;
            }
        }
    }

    /**
     * Sets the value of {@code time}.
     *
     * @throws IllegalArgumentException if {@code time} is negative
     */
    void put(long time, V value) {
        if (time < 0) {
            throw new IllegalArgumentException("a due time is never negative, got " + time);
        }
        int mask = keys.length - 1;
        for (int i = slot(time); ; i = i + 1 & mask) {
            long key = keys[i];
            if (key == time) {
                values[i] = value;
                return;
            }
            if (key == FREE) {
                keys[i] = time;
                values[i] = value;
                if (++size > keys.length >>> 1) {
                    grow();
                }
                return;
            }
        }
    }

    /** Removes {@code time}'s entry, if any. */
    void remove(long time) {
        int mask = keys.length - 1;
        int i = slot(time);
        while (keys[i] != time) {
            if (keys[i] == FREE) {
                return;
            }
            i = i + 1 & mask;
        }
        // Backward shift: pull later entries of the probe run into the hole, so lookups never stop early.
        int hole = i;
        for (int j = hole + 1 & mask; keys[j] != FREE; j = j + 1 & mask) {
            int home = slot(keys[j]);
            if ((j - home & mask) >= (j - hole & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = FREE;
        values[hole] = null;
        size--;
    }

    /** Entries held. */
    int size() {
        return size;
    }

    private int slot(long time) {
        return (int) (time * SPREAD >>> (64 - bits));
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(bits + 1);
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int j = slot(oldKeys[i]);
                while (keys[j] != FREE) {
                    j = j + 1 & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
                size++;
            }
        }
    }

    private void allocate(int newBits) {
        bits = newBits;
        keys = new long[1 << newBits];
        Arrays.fill(keys, FREE);
        values = new Object[1 << newBits];
        size = 0;
    }
}
