package network.butter.wire;

/**
 * The rules for route names, such as {@code ohce/reverse} or {@code butter/hosts/sample}.
 *
 * <p>A route is 1 to {@value #MAX_BYTES} characters from {@code A–Z a–z 0–9 . _ - / :}. Routes starting with
 * {@code butter/} are reserved for Butter's own protocols. The narrow alphabet keeps routes readable in logs
 * and makes a malformed request easy to spot.
 */
public final class Route {

    /** Longest route, in bytes (and characters: the alphabet is ASCII). */
    public static final int MAX_BYTES = 255;
    /** Prefix reserved for Butter's built-in protocols. */
    public static final String RESERVED_PREFIX = "butter/";

    /** Which ASCII characters a route may contain, indexed by character: one array read per character checked. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (char c = 0; c < ALLOWED.length; c++) {
            ALLOWED[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '.' || c == '_' || c == '-' || c == '/' || c == ':';
        }
    }

    /** Slots of {@link #RECENTLY_VALID}; a power of two. */
    private static final int RECENT_SLOTS = 64;
    /**
     * Route strings found valid lately, each in the slot its hash picks: a route is checked once per request on each
     * side (a caller's, the frame's, a decoded one's), nearly always the very same string instance, so an identity hit
     * here replaces the character scan. Only valid routes ever enter. Shared by every thread without a lock: a racy
     * read sees an older string or none (strings are immutable), which only costs a scan.
     */
    private static final String[] RECENTLY_VALID = new String[RECENT_SLOTS];

    private Route() {
    }

    /**
     * Returns why {@code route} is not a valid route, or {@code null} if it is.
     */
    public static String problem(String route) {
        if (route == null || route.isEmpty()) {
            return "a route must not be empty";
        }
        int slot = route.hashCode() & (RECENT_SLOTS - 1);
        if (RECENTLY_VALID[slot] == route) {
            return null;
        }
        if (route.length() > MAX_BYTES) {
            return "a route is at most " + MAX_BYTES + " characters, got " + route.length();
        }
        for (int i = 0; i < route.length(); i++) {
            char c = route.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return "character '" + c + "' at index " + i + " is not allowed in a route (use A-Z a-z 0-9 . _ - / :)";
            }
        }
        RECENTLY_VALID[slot] = route;
        return null;
    }

    /**
     * Checks a route given by a caller.
     *
     * @return the route, unchanged
     * @throws IllegalArgumentException with the reason if it is invalid
     */
    public static String validate(String route) {
        String problem = problem(route);
        if (problem != null) {
            throw new IllegalArgumentException(problem + (route == null ? "" : ": '" + route + "'"));
        }
        return route;
    }

    /** Writes the route's wire bytes (ASCII; a valid route has nothing else) without an intermediate array. */
    static void put(String route, java.nio.ByteBuffer out) {
        for (int i = 0; i < route.length(); i++) {
            out.put((byte) route.charAt(i));
        }
    }
}
