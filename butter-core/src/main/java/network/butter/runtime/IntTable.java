package network.butter.runtime;

/**
 * A map from non-zero {@code int} keys to values, for the requests in flight by id: open addressing with linear
 * probing and backward-shift deletion, so a lookup, an insertion and a removal touch a few array slots and allocate
 * nothing (a {@code HashMap<Integer, V>} boxes every id above 127 and allocates a node per entry). Grows when half
 * full; never shrinks below what it once held, which the per-peer in-flight limits bound.
 *
 * <p>Not thread-safe: used on the node loop only.
 *
 * @param <V> the values
 */
final class IntTable<V> {

    /** Slots of a new table. */
    static final int MIN_CAPACITY = 16;

    private int[] keys = new int[MIN_CAPACITY];
    private Object[] values = new Object[MIN_CAPACITY];
    private int size;

    /** Entries held. */
    int size() {
        return size;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(int key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    /** Whether {@code key} has a value. */
    boolean containsKey(int key) {
        return indexOf(key) >= 0;
    }

    /**
     * Sets the value of {@code key}.
     *
     * @throws IllegalArgumentException if {@code key} is 0, which marks an empty slot
     */
    void put(int key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == 0) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    /** Removes {@code key}; returns its value, or null if it had none. */
    @SuppressWarnings("unchecked")
    V remove(int key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        V removed = (V) values[i];
        int mask = keys.length - 1;
        // Backward shift: pull later entries of the probe run into the hole, so no tombstones are needed.
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            boolean staysPut = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!staysPut) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        return removed;
    }

    private int indexOf(int key) {
        if (key == 0) {
            return -1;
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /** Fibonacci hashing: consecutive ids (how they are handed out) spread over the table. Visible for tests. */
    static int slot(int key, int mask) {
        return (key * 0x9E3779B9 >>> 16) & mask;
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                @SuppressWarnings("unchecked")
                V value = (V) oldValues[i];
                put(oldKeys[i], value);
            }
        }
    }
}
