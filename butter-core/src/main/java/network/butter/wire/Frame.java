package network.butter.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message on a Butter connection. Each kind is a record with its own layout, drawn in
 * {@code docs/PROTOCOL.md} and encoded by {@link FrameCodec}; nothing is ever Java-serialized.
 *
 * <p>{@link Hello} and {@link GoAway} belong to the connection; {@link Request}, {@link Response},
 * {@link Failure} and {@link Cancel} carry the multiplexed request/response traffic, matched by request id.
 */
public sealed interface Frame {

    /** The frame's type byte on the wire. */
    int type();

    /** Type byte of {@link Hello}. */
    int HELLO = 0x01;
    /** Type byte of {@link Request}. */
    int REQUEST = 0x02;
    /** Type byte of {@link Response}. */
    int RESPONSE = 0x03;
    /** Type byte of {@link Failure}. */
    int FAILURE = 0x04;
    /** Type byte of {@link Cancel}. */
    int CANCEL = 0x05;
    /** Type byte of {@link GoAway}. */
    int GO_AWAY = 0x06;

    /**
     * Longest error or GOAWAY message, in UTF-8 bytes, chosen so that the largest FAILURE (1 + 4 + 1 + 2 + message)
     * fits the smallest permitted maximum frame; longer messages are cut when encoded.
     */
    int MAX_MESSAGE_BYTES = 1016;

    /**
     * The first frame each side sends on a new connection: protocol version, the port the sender listens on
     * (so an inbound connection tells us how to dial back) and the largest frame the sender accepts.
     *
     * @param version       protocol version the sender speaks
     * @param listenPort    the sender's listening TCP port, 0 if it does not listen
     * @param maxFrameBytes the largest frame the sender accepts, in bytes
     */
    record Hello(int version, int listenPort, int maxFrameBytes) implements Frame {
        /** Checks ranges. */
        public Hello {
            if (version < 0 || version > 0xFFFF) {
                throw new IllegalArgumentException("version must fit in 16 bits: " + version);
            }
            if (listenPort < 0 || listenPort > 0xFFFF) {
                throw new IllegalArgumentException("listenPort must be 0-65535: " + listenPort);
            }
            if (maxFrameBytes < FrameCodec.MIN_MAX_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes must be at least " + FrameCodec.MIN_MAX_FRAME_BYTES
                    + ": " + maxFrameBytes);
            }
        }

        @Override
        public int type() {
            return HELLO;
        }
    }

    /**
     * A call of a route on the receiving node.
     *
     * @param requestId the caller's id for this request, unique among its requests in flight
     * @param timeoutMs how long the caller will wait, in milliseconds (0 = the receiver's default); the receiver
     *                  gives up on the handler after that, since nobody would read the answer
     * @param route     the route to call, see {@link Route}
     * @param payload   the request body, opaque to Butter
     */
    record Request(int requestId, long timeoutMs, String route, byte[] payload) implements Frame {
        /** Checks the route and ranges. */
        public Request {
            Route.validate(route);
            Objects.requireNonNull(payload, "payload");
            if (timeoutMs < 0 || timeoutMs > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("timeoutMs must fit in 32 unsigned bits: " + timeoutMs);
            }
        }

        @Override
        public int type() {
            return REQUEST;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.requestId == requestId && r.timeoutMs == timeoutMs
                && r.route.equals(route) && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, timeoutMs, route, Arrays.hashCode(payload));
        }

        @Override
        public String toString() {
            return "Request[id=" + requestId + ", route=" + route + ", timeoutMs=" + timeoutMs
                + ", payload=" + payload.length + " bytes]";
        }
    }

    /**
     * A successful answer to a request.
     *
     * @param requestId the id of the request answered
     * @param payload   the answer body
     */
    record Response(int requestId, byte[] payload) implements Frame {
        /** Checks the payload is present. */
        public Response {
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public int type() {
            return RESPONSE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && r.requestId == requestId && Arrays.equals(r.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * requestId + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Response[id=" + requestId + ", payload=" + payload.length + " bytes]";
        }
    }

    /**
     * A failed answer to a request.
     *
     * @param requestId the id of the request answered
     * @param code      why it failed
     * @param message   human-readable detail, at most {@link #MAX_MESSAGE_BYTES} in UTF-8
     */
    record Failure(int requestId, ErrorCode code, String message) implements Frame {
        /** Checks the parts are present. */
        public Failure {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int type() {
            return FAILURE;
        }
    }

    /**
     * The caller no longer wants the answer to a request (it timed out or was cancelled): the receiver may
     * stop the handler and sends nothing back.
     *
     * @param requestId the id of the request to cancel
     */
    record Cancel(int requestId) implements Frame {
        @Override
        public int type() {
            return CANCEL;
        }
    }

    /**
     * The sender is closing the connection, and why. Sent before closing for a protocol violation, an idle
     * connection or a shutdown, so the other side can log a precise reason.
     *
     * @param code    why
     * @param message detail, at most {@link #MAX_MESSAGE_BYTES} in UTF-8
     */
    record GoAway(ErrorCode code, String message) implements Frame {
        /** Checks the parts are present. */
        public GoAway {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int type() {
            return GO_AWAY;
        }
    }
}
