package network.butter.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A successful answer: what a handler returns and what a caller receives. Failures are not replies but
 * exceptions: a handler throws, the caller gets a {@link RemoteHandlerException}.
 *
 * @param payload the answer body
 */
public record Reply(byte[] payload) {

    private static final Reply EMPTY = new Reply(new byte[0]);

    /** Checks the payload is present. */
    public Reply {
        Objects.requireNonNull(payload, "payload");
    }

    /** A reply carrying UTF-8 text. */
    public static Reply text(String text) {
        return new Reply(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A reply carrying bytes (not copied: do not change the array afterwards). */
    public static Reply of(byte[] payload) {
        return new Reply(payload);
    }

    /** A reply with no body, for requests that only need an acknowledgement. */
    public static Reply empty() {
        return EMPTY;
    }

    /** The payload decoded as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply r && java.util.Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Reply[" + payload.length + " bytes]";
    }
}
