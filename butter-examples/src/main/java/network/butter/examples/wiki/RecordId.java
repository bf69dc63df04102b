package network.butter.examples.wiki;

import java.util.HexFormat;

/**
 * The name of a {@link PageRecord}: the SHA-256 of its signed bytes, in lowercase hex. Records point at their parent
 * by it, and the history and edit links of the browser UI carry it.
 *
 * @param hex 64 lowercase hex digits
 */
public record RecordId(String hex) implements Comparable<RecordId> {

    /** Bytes of a record id. */
    public static final int LENGTH_BYTES = 32;
    /** The parent of a page's first version: no record. */
    public static final RecordId NONE = fromBytes(new byte[LENGTH_BYTES]);

    /**
     * Checks the form, so that an id that exists is well formed.
     *
     * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex digits
     */
    public RecordId {
        if (hex == null || hex.length() != 2 * LENGTH_BYTES || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("a record id is " + 2 * LENGTH_BYTES + " lowercase hex digits");
        }
    }

    /**
     * Wraps 32 raw bytes.
     *
     * @throws IllegalArgumentException if there are not 32 of them
     */
    public static RecordId fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a record id has " + LENGTH_BYTES + " bytes, not " + bytes.length);
        }
        return new RecordId(HexFormat.of().formatHex(bytes));
    }

    /** The raw 32 bytes, for the wire. */
    public byte[] toBytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** Whether this is {@link #NONE}, the parent of a first version. */
    public boolean isNone() {
        return equals(NONE);
    }

    /** The first 8 digits, enough to tell versions apart on a screen. */
    public String shortForm() {
        return hex.substring(0, 8);
    }

    @Override
    public int compareTo(RecordId other) {
        return hex.compareTo(other.hex); // lowercase hex sorts as the unsigned bytes do
    }

    @Override
    public String toString() {
        return hex;
    }
}
