package network.butter.testbed.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The key of a stored item: the SHA-256 of its content, in lower-case hex. Content addressing lets a retriever
 * check what it got without trusting whoever answered.
 *
 * @param hex 64 lower-case hex digits
 */
public record ItemKey(String hex) {

    private static final int HEX_LENGTH = 64;

    /** Checks the form. */
    public ItemKey {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != HEX_LENGTH || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("an item key is " + HEX_LENGTH + " lower-case hex digits, got '" + hex + "'");
        }
    }

    /** The key of {@code content}. */
    public static ItemKey of(byte[] content) {
        try {
            return new ItemKey(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Reads a key sent as UTF-8 text.
     *
     * @throws IllegalArgumentException if it is not a key
     */
    public static ItemKey fromBytes(byte[] text) {
        return new ItemKey(new String(text, StandardCharsets.UTF_8));
    }

    /** The key as UTF-8 text, for a request payload. */
    public byte[] toBytes() {
        return hex.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code content} is what this key addresses. */
    public boolean matches(byte[] content) {
        return equals(of(content));
    }

    @Override
    public String toString() {
        return hex.substring(0, 12);
    }
}
