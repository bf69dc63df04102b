package network.butter.wire;

import java.util.Base64;

/**
 * The text form shared by every 32-byte identifier (peer ids, content ids): 43 characters of unpadded base64url.
 * Parsing insists on the canonical form, since 43 characters carry 258 bits and a non-canonical last character
 * would otherwise give two texts for one id.
 */
public final class Base64Url32 {

    /** Length of the text form, in characters. */
    public static final int TEXT_LENGTH = 43;

    private Base64Url32() {
    }

    /** The text form of 32 bytes. */
    public static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Reads the text form.
     *
     * @param what what the text names, for the error message (e.g. "peer id")
     * @throws IllegalArgumentException saying why the text is not the canonical form of 32 bytes
     */
    public static byte[] decode(String text, String what) {
        if (text == null || text.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException("a " + what + " is " + TEXT_LENGTH + " base64url characters, got "
                + (text == null ? "null" : "'" + text + "' (" + text.length() + " characters)"));
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a " + what + " is base64url text, '" + text + "' is not: " + e.getMessage(), e);
        }
        if (!encode(bytes).equals(text)) {
            throw new IllegalArgumentException("'" + text + "' is not the canonical text form of a " + what);
        }
        return bytes;
    }
}
