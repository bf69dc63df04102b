package network.butter.identity;

import java.util.Locale;
import java.util.Objects;

/**
 * A host and TCP port without an identity, e.g. a bootstrap address given on the command line before the
 * peer behind it is known.
 *
 * @param host host name or literal IP address (IPv6 without brackets)
 * @param port TCP port, 1–65535
 */
public record HostPort(String host, int port) {

    /** Longest host name or IP literal, in characters: a DNS name takes at most 253. */
    public static final int MAX_HOST_CHARS = 255;

    /** Validates the parts. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}; the host must pass {@link #hostProblem}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port (IPv6 in brackets), got '" + text + "'");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        String problem = hostProblem(host);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " in '" + text + "'");
        }
        try {
            return new HostPort(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number, got '" + port + "' in '" + text + "'", e);
        }
    }

    /**
     * Why {@code host}, read from outside (a command line, a peer), is not a host name or IP literal, or null if it
     * may be one: 1 to {@value #MAX_HOST_CHARS} characters from {@code A-Z a-z 0-9 . - _ : %} (the last two for IPv6
     * literals and their zones). Anything else cannot be dialled, and brackets, spaces or {@code @} would make the
     * text form of an address ambiguous.
     */
    public static String hostProblem(String host) {
        if (host.isEmpty() || host.length() > MAX_HOST_CHARS) {
            return "a host of " + host.length() + " characters (1 to " + MAX_HOST_CHARS + ")";
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
            if (!ok) {
                return String.format(Locale.ROOT,
                    "character U+%04X at index %d is not allowed in a host (A-Z a-z 0-9 . - _ : %%)", (int) c, i);
            }
        }
        return null;
    }

    /** {@code host:port}, with IPv6 hosts in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
