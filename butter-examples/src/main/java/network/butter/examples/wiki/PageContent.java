package network.butter.examples.wiki;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * How a version's text is kept in Butter's storage: a header naming the page and a random nonce, then the text.
 *
 * <pre>
 *  butter-wiki-page/1 LF
 *  page name LF
 *  nonce (32 hex digits) LF
 *  text (UTF-8)
 * </pre>
 *
 * The nonce makes every saved version distinct content, so two authors who save the same text each store (and own)
 * their own copy: in Butter's storage content belongs to whoever put it first. The name ties the content to its page.
 */
public final class PageContent {

    /** Longest page text, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final String MAGIC = "butter-wiki-page/1";
    private static final int NONCE_BYTES = 16;

    private PageContent() {
    }

    /**
     * The bytes to store for {@code text} of page {@code name}.
     *
     * @throws IllegalArgumentException if the text is longer than {@link #MAX_TEXT_BYTES}
     */
    public static byte[] encode(String name, String text, RandomGenerator random) {
        checkText(text);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return (MAGIC + "\n" + name + "\n" + HexFormat.of().formatHex(nonce) + "\n" + text).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks a text an author wants to save.
     *
     * @throws IllegalArgumentException if it is longer than {@link #MAX_TEXT_BYTES} bytes of UTF-8
     */
    public static void checkText(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("a page is at most " + MAX_TEXT_BYTES + " bytes of UTF-8, this one has " + bytes);
        }
    }

    /**
     * The text of stored content.
     *
     * @throws IllegalArgumentException if the bytes are not a wiki page, or a page of another name
     */
    public static String decode(String name, byte[] stored) {
        String all = new String(stored, StandardCharsets.UTF_8);
        String[] parts = all.split("\n", 4);
        if (parts.length < 4 || !parts[0].equals(MAGIC)) {
            throw new IllegalArgumentException("the stored content is not a wiki page");
        }
        if (!parts[1].equals(name)) {
            throw new IllegalArgumentException("the stored content is page '" + parts[1] + "', not '" + name + "'");
        }
        return parts[3];
    }
}
