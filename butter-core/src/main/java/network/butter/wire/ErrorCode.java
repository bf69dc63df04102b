package network.butter.wire;

/**
 * Why a request failed or a connection was closed, as carried on the wire in FAILURE and GOAWAY frames.
 *
 * <p>Codes are stable: a code once given a number keeps it. A code this version does not know decodes as
 * {@link #UNKNOWN}, so newer peers can add codes without breaking older ones.
 */
public enum ErrorCode {
    /** A code this version does not know. Never sent. */
    UNKNOWN(0),
    /** No handler is registered for the requested route. */
    UNKNOWN_ROUTE(1),
    /**
     * The handler threw. The message is what the handler chose to make public (a malformed-request description,
     * a {@code PublicException}'s message) or {@code "internal error (incident ID)"}, never an internal exception.
     */
    HANDLER_FAILED(2),
    /** The handler did not finish within its deadline. */
    HANDLER_TIMEOUT(3),
    /** A payload or frame exceeded the receiver's maximum frame size. */
    PAYLOAD_TOO_LARGE(4),
    /** The receiver is at a limit (requests in flight, connections); retry later or elsewhere. */
    OVERLOADED(5),
    /** The receiver is shutting down and takes no new requests. */
    SHUTTING_DOWN(6),
    /** A frame could not be decoded. */
    MALFORMED_FRAME(7),
    /** The peer speaks a protocol version this node does not. */
    UNSUPPORTED_VERSION(8),
    /** The peer broke the protocol (unexpected or unknown frame type, request before HELLO, …). */
    PROTOCOL_ERROR(9),
    /** The connection was closed because it was idle; not an error, reconnect on demand. */
    IDLE(10),
    /** The request was cancelled by its caller. */
    CANCELLED(11),
    /**
     * The caller sent more requests on a route than its per-peer rate budget allows; the message names the route and
     * the budget and ends with {@code "retry after N ms"}. Other peers are served as usual.
     */
    RATE_LIMITED(12);

    private static final ErrorCode[] BY_WIRE = new ErrorCode[256];

    static {
        for (ErrorCode code : values()) {
            BY_WIRE[code.wireValue] = code;
        }
    }

    private final int wireValue;

    ErrorCode(int wireValue) {
        this.wireValue = wireValue;
    }

    /** The byte that stands for this code on the wire. */
    public int wireValue() {
        return wireValue;
    }

    /** The code for a wire byte; {@link #UNKNOWN} for values this version does not know. */
    public static ErrorCode fromWire(int value) {
        ErrorCode code = value >= 0 && value < BY_WIRE.length ? BY_WIRE[value] : null;
        return code == null ? UNKNOWN : code;
    }
}
