package network.butter.control;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Where a node's control API listens and who may use it.
 *
 * <p>The API can put, read and delete content and shows everything about the node, so by default it listens on
 * loopback only, where only this machine's users reach it. Binding any other address is refused unless an access
 * token is set: every request must then carry {@code Authorization: Bearer <token>}.
 *
 * @param host  the address to listen on; {@link #DEFAULT_HOST} unless there is a reason
 * @param port  the TCP port, 0 for any free one; {@link #DEFAULT_PORT} by default
 * @param token the access token requests must carry, or null for none (loopback only)
 */
public record ControlConfig(String host, int port, String token) {

    /** The API listens on loopback unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The API's default port, next to the node's 7000 and clear of the examples' 7001. */
    public static final int DEFAULT_PORT = 7080;
    /** Shortest access token accepted, in characters: a short one is guessed. */
    public static final int MIN_TOKEN_CHARS = 16;

    /**
     * Checks the configuration is safe to serve.
     *
     * @throws IllegalArgumentException if the host is not loopback and there is no token, or the token is too short
     */
    public ControlConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("control API port must be 0-65535, got " + port);
        }
        if (token != null && token.length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("an access token needs at least " + MIN_TOKEN_CHARS + " characters");
        }
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("the control API would listen on " + host + ", reachable from other "
                + "machines, without an access token: set one (--http-token) or keep it on 127.0.0.1");
        }
    }

    /** The defaults: 127.0.0.1:7080, no token. */
    public static ControlConfig defaults() {
        return new ControlConfig(DEFAULT_HOST, DEFAULT_PORT, null);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
