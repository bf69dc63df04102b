package network.butter.examples.wiki;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a page may be called. Names are compared exactly, after {@link #normalise}: surrounding spaces dropped and
 * every run of white space made one space, so that {@code [[Butter  Wiki]]} and {@code [[Butter Wiki]]} are one page.
 * A name has 1 to {@link #MAX_BYTES} bytes of UTF-8, no control characters, and none of {@code [ ] |}, which the
 * link markup uses.
 */
public final class PageName {

    /** Longest page name, in UTF-8 bytes. */
    public static final int MAX_BYTES = 200;

    private PageName() {
    }

    /** The name as pages are stored under it: trimmed, white space runs made one space. */
    public static String normalise(String name) {
        return Objects.requireNonNull(name, "name").strip().replaceAll("\\s+", " ");
    }

    /**
     * Checks a normalised name.
     *
     * @throws IllegalArgumentException saying why it is not a page name
     */
    public static void check(String name) {
        Objects.requireNonNull(name, "name");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("a page name is 1-" + MAX_BYTES + " bytes of UTF-8, got " + bytes);
        }
        if (!name.equals(normalise(name))) {
            throw new IllegalArgumentException("a page name has no surrounding or repeated white space");
        }
        if (name.chars().anyMatch(c -> Character.isISOControl(c) || c == '[' || c == ']' || c == '|')) {
            throw new IllegalArgumentException("a page name must not contain control characters or [ ] |");
        }
    }
}
