package network.butter.wire;

/**
 * Bytes from the network that are not a valid Butter frame. The receiver answers with a GOAWAY carrying
 * {@link #code()} and closes that one connection; the node itself carries on.
 */
public final class WireFormatException extends Exception {

    private final ErrorCode code;

    /**
     * @param code    what to tell the peer in the GOAWAY frame
     * @param message a precise description, e.g. "route length 0 in REQUEST 17"
     */
    public WireFormatException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code to send to the peer before closing. */
    public ErrorCode code() {
        return code;
    }
}
