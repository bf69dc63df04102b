package network.butter.wider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its oldest entry once it holds {@code capacity}: per-peer memory (rate limits, punch back-off)
 * that a stream of fresh peer ids cannot grow without bound.
 */
final class Bounded<K, V> extends LinkedHashMap<K, V> {

    private final int capacity;

    Bounded(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
