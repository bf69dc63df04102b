package network.butter.hosts;

import java.util.Arrays;
import java.util.Objects;
import network.butter.wire.ErrorCode;
import network.butter.wire.WireFormatException;

/**
 * A known-host poll: whether the poller keeps the polled node in its list, and what the poller says about itself,
 * so that one exchange tells each side the other's quality and liveness (the polled node neither polls back to
 * consider the poller nor needs its own poll of a host that polled it recently).
 *
 * <pre>
 *  kind u8 (0 = considering you, 1 = you are in my list) | poller's HostQuality (see {@link HostQuality})
 * </pre>
 *
 * @param listed whether the poller keeps the polled node in its list (only such polls count as knowing it)
 * @param poller what the poller says about itself: a claim, like every poll answer
 */
public record PollRequest(boolean listed, HostQuality poller) {

    /** Checks the quality is present. */
    public PollRequest {
        Objects.requireNonNull(poller, "poller");
    }

    /** The request bytes. */
    public byte[] encode() {
        byte[] quality = poller.encode();
        byte[] bytes = new byte[1 + quality.length];
        bytes[0] = (byte) (listed ? 1 : 0);
        System.arraycopy(quality, 0, bytes, 1, quality.length);
        return bytes;
    }

    /**
     * Reads a poll request.
     *
     * @throws WireFormatException if the kind is unknown or the quality is malformed (saying which)
     */
    public static PollRequest decode(byte[] bytes) throws WireFormatException {
        if (bytes.length == 0) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "empty poll request");
        }
        if (bytes[0] != 0 && bytes[0] != 1) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "unknown poll kind " + (bytes[0] & 0xFF));
        }
        return new PollRequest(bytes[0] == 1, HostQuality.decode(Arrays.copyOfRange(bytes, 1, bytes.length)));
    }
}
