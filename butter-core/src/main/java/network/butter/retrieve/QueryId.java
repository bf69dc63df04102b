package network.butter.retrieve;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A query's random 128-bit id, by which every node recognises a query it has handled already.
 *
 * @param high the first 64 bits
 * @param low  the last 64 bits
 */
public record QueryId(long high, long low) {

    /** A fresh random id from the node's randomness. */
    public static QueryId random(RandomGenerator random) {
        return new QueryId(random.nextLong(), random.nextLong());
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high).substring(0, 8);
    }
}
