package network.butter.retrieve;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * An immutable Bloom filter of content ids: the summary a node gives its known hosts of what it (or its
 * neighbourhood) holds, so that queries can be steered towards likely holders.
 *
 * <p>Content ids are already uniform SHA-256 digests, so the {@link #HASHES} bit positions are read straight from
 * the id's bytes instead of hashing again; this is why the filter is written here rather than taken from a general
 * library, whose hashing and serialised form would not be a documented wire format. Filters of equal size combine
 * with {@link #or}. A filter with few bits set is kept and sent as its sorted bit positions, a fuller one as a
 * bitmap, so the empty or sparse filters of small stores cost almost nothing in memory or on the wire.
 *
 * <pre>
 *  wire form:  u8 log2(bits) | u8 form | form 0 (sparse): u16 count (below bits / 32), count × u32 bit position
 *                                      |                  (ascending)
 *                                      | form 1 (dense):  bits / 8 bytes of bitmap, bit i = byte i/8, bit i%8
 * </pre>
 */
public final class BloomFilter {

    /** Bit positions per id. */
    public static final int HASHES = 3;
    /** The smallest filter, in bits (a power of two). */
    public static final int MIN_BITS = 1 << 6;
    /** The largest filter, in bits (a power of two): 128 KiB on the wire at most. */
    public static final int MAX_BITS = 1 << 20;

    private static final int SPARSE = 0;
    private static final int DENSE = 1;

    private final int bits;
    /** Either the sorted set positions (sparse) or null. */
    private final int[] positions;
    /** Or the bitmap (dense) or null. */
    private final long[] words;

    private BloomFilter(int bits, int[] positions, long[] words) {
        this.bits = bits;
        this.positions = positions;
        this.words = words;
    }

    /**
     * A filter of {@code bits} bits holding {@code ids}.
     *
     * @throws IllegalArgumentException if {@code bits} is not a power of two within [{@link #MIN_BITS},
     *                                  {@link #MAX_BITS}]
     */
    public static BloomFilter of(int bits, Collection<ContentId> ids) {
        requireSize(bits);
        long[] words = new long[bits / 64];
        for (ContentId id : ids) {
            byte[] digest = id.toBytes();
            for (int h = 0; h < HASHES; h++) {
                int position = position(digest, h, bits);
                words[position >>> 6] |= 1L << position;
            }
        }
        return compact(bits, words);
    }

    /**
     * The union of {@code filters}, each of {@code bits} bits: what any of them might contain. Cheaper than
     * chaining {@link #or} over many filters.
     *
     * @throws IllegalArgumentException if a filter has another size
     */
    public static BloomFilter union(int bits, Collection<BloomFilter> filters) {
        requireSize(bits);
        long[] union = new long[bits / 64];
        for (BloomFilter filter : filters) {
            if (filter.bits != bits) {
                throw new IllegalArgumentException("cannot combine filters of " + bits + " and " + filter.bits + " bits");
            }
            filter.orInto(union);
        }
        return compact(bits, union);
    }

    /** An empty filter of {@code bits} bits. */
    public static BloomFilter empty(int bits) {
        requireSize(bits);
        return new BloomFilter(bits, new int[0], null);
    }

    /** Whether {@code id} may be in the set: false means certainly not, true means probably. */
    public boolean mightContain(ContentId id) {
        byte[] digest = id.toBytes();
        for (int h = 0; h < HASHES; h++) {
            if (!isSet(position(digest, h, bits))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The union of this filter and {@code other}: a filter that might contain what either might contain.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    public BloomFilter or(BloomFilter other) {
        if (other.bits != bits) {
            throw new IllegalArgumentException("cannot combine filters of " + bits + " and " + other.bits + " bits");
        }
        long[] union = toWords();
        other.orInto(union);
        return compact(bits, union);
    }

    /** The filter's size in bits. */
    public int bits() {
        return bits;
    }

    /** How many bits are set. */
    public int bitCount() {
        if (positions != null) {
            return positions.length;
        }
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
    }

    /** Whether no bit is set (nothing is in the set). */
    public boolean isEmpty() {
        return bitCount() == 0;
    }

    /** The chance that an id not in the set is reported as maybe in it, from the share of bits set. */
    public double falsePositiveRate() {
        return Math.pow((double) bitCount() / bits, HASHES);
    }

    /** Writes the filter in its wire form (see the class comment). */
    public void write(PayloadWriter out) {
        out.u8(Integer.numberOfTrailingZeros(bits));
        if (positions != null) {
            out.u8(SPARSE).u16(positions.length);
            for (int position : positions) {
                out.u32(position);
            }
        } else {
            byte[] bitmap = new byte[bits / 8];
            for (int i = 0; i < bitmap.length; i++) {
                bitmap[i] = (byte) (words[i >>> 3] >>> ((i & 7) * 8));
            }
            out.u8(DENSE).raw(bitmap);
        }
    }

    /** The bytes {@link #write} takes. */
    public int encodedBytes() {
        return 2 + (positions != null ? 2 + 4 * positions.length : bits / 8);
    }

    /**
     * Reads a filter written by {@link #write}, checking its size and that sparse positions are in range and
     * ascending.
     */
    public static BloomFilter read(PayloadReader in) throws WireFormatException {
        int log2 = in.u8();
        if (log2 < Integer.numberOfTrailingZeros(MIN_BITS) || log2 > Integer.numberOfTrailingZeros(MAX_BITS)) {
            throw in.malformed("a Bloom filter of 2^" + log2 + " bits (allowed: " + MIN_BITS + " to " + MAX_BITS + ")");
        }
        int bits = 1 << log2;
        int form = in.u8();
        if (form == SPARSE) {
            int count = in.count(bits / 32, 4);
            int[] positions = new int[count];
            long previous = -1;
            for (int i = 0; i < count; i++) {
                long position = in.u32();
                if (position <= previous || position >= bits) {
                    throw in.malformed("Bloom filter bit " + position + " out of order or beyond " + bits + " bits");
                }
                previous = position;
                positions[i] = (int) position;
            }
            return new BloomFilter(bits, positions, null);
        }
        if (form != DENSE) {
            throw in.malformed("unknown Bloom filter form " + form);
        }
        byte[] bitmap = in.raw(bits / 8);
        long[] words = new long[bits / 64];
        for (int i = 0; i < bitmap.length; i++) {
            words[i >>> 3] |= (bitmap[i] & 0xFFL) << ((i & 7) * 8);
        }
        return compact(bits, words);
    }

    private boolean isSet(int position) {
        if (positions != null) {
            return Arrays.binarySearch(positions, position) >= 0;
        }
        return (words[position >>> 6] & (1L << position)) != 0;
    }

    private long[] toWords() {
        long[] copy = new long[bits / 64];
        orInto(copy);
        return copy;
    }

    private void orInto(long[] target) {
        if (positions != null) {
            for (int position : positions) {
                target[position >>> 6] |= 1L << position;
            }
        } else {
            for (int i = 0; i < target.length; i++) {
                target[i] |= words[i];
            }
        }
    }

    /** Keeps the cheaper form: positions while they take less room than the bitmap. */
    private static BloomFilter compact(int bits, long[] words) {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        if ((long) count * 32 >= bits) {
            return new BloomFilter(bits, null, words);
        }
        int[] positions = new int[count];
        int next = 0;
        for (int w = 0; w < words.length; w++) {
            long word = words[w];
            while (word != 0) {
                positions[next++] = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return new BloomFilter(bits, positions, null);
    }

    /** Bit {@code h} of an id: bytes 4h..4h+3 of its digest, big-endian, modulo the size. */
    private static int position(byte[] digest, int h, int bits) {
        int offset = 4 * h;
        int word = (digest[offset] & 0xFF) << 24 | (digest[offset + 1] & 0xFF) << 16
            | (digest[offset + 2] & 0xFF) << 8 | (digest[offset + 3] & 0xFF);
        return word & (bits - 1);
    }

    private static void requireSize(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("a Bloom filter's size must be a power of two from " + MIN_BITS
                + " to " + MAX_BITS + " bits, got " + bits);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BloomFilter other) || other.bits != bits) {
            return false;
        }
        if (positions != null && other.positions != null) {
            return Arrays.equals(positions, other.positions);
        }
        return Arrays.equals(other.toWords(), toWords());
    }

    @Override
    public int hashCode() {
        return Objects.hash(bits, Arrays.hashCode(toWords()));
    }

    @Override
    public String toString() {
        return "BloomFilter[" + bits + " bits, " + bitCount() + " set]";
    }
}
