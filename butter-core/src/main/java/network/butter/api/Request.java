package network.butter.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import network.butter.identity.PeerAddress;

/**
 * A request as seen by a route handler.
 *
 * @param from    the authenticated caller (its id is proven by TLS) and the address it listens on
 * @param route   the route that was called
 * @param payload the request body
 */
public record Request(PeerAddress from, String route, byte[] payload) {

    /** Checks the parts are present. */
    public Request {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload decoded as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Request[from=" + from.id().shortForm() + ", route=" + route + ", payload=" + payload.length + " bytes]";
    }
}
