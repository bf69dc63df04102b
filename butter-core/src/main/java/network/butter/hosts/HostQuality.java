package network.butter.hosts;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import network.butter.wire.ErrorCode;
import network.butter.wire.WireFormatException;

/**
 * What a node says about itself when polled: how long it has been up, how much storage it offers, how many hosts
 * it knows, how many nodes know it, whether it is an ambassador, and an optional geographic tag. The poller adds
 * what it sees itself (the peer's subnet) to judge diversity.
 *
 * <pre>
 *  uptimeMs u64 | storageAvailableBytes u64 | knownHosts u16 | knownBy u16 | flags u8 | geoLen u8 | geo (ASCII)
 *  flags: bit 0 = ambassador
 * </pre>
 *
 * @param uptimeMs              how long the node has been running, in milliseconds
 * @param storageAvailableBytes storage the node can still give to others, in bytes
 * @param knownHosts            how many hosts the node knows
 * @param knownBy               how many distinct nodes polled it recently (i.e. know it)
 * @param ambassador            whether the node introduces peers across subnetworks
 * @param geoTag                optional location hint (e.g. "eu-west"), empty if none; at most 16 ASCII characters
 */
public record HostQuality(long uptimeMs, long storageAvailableBytes, int knownHosts, int knownBy, boolean ambassador,
                          String geoTag) {

    /** Longest geographic tag, in characters. */
    public static final int MAX_GEO_TAG = 16;

    /** Checks ranges. */
    public HostQuality {
        Objects.requireNonNull(geoTag, "geoTag");
        if (uptimeMs < 0 || storageAvailableBytes < 0 || knownHosts < 0 || knownHosts > 0xFFFF || knownBy < 0
            || knownBy > 0xFFFF || geoTag.length() > MAX_GEO_TAG || !printableAscii(geoTag)) {
            throw new IllegalArgumentException("host quality out of range: " + uptimeMs + ", " + storageAvailableBytes
                + ", " + knownHosts + ", " + knownBy + ", '" + geoTag + "'");
        }
    }

    /**
     * Whether every character is printable ASCII (0x20 to 0x7E): a loop, because a quality is built and checked for
     * every poll and an encoder per check was about 4 % of a large simulation's allocation.
     */
    static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The poll reply bytes. */
    public byte[] encode() {
        byte[] geo = geoTag.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + 8 + 2 + 2 + 1 + 1 + geo.length)
            .putLong(uptimeMs).putLong(storageAvailableBytes).putShort((short) knownHosts).putShort((short) knownBy)
            .put((byte) (ambassador ? 1 : 0)).put((byte) geo.length).put(geo)
            .array();
    }

    /**
     * Reads a poll reply.
     *
     * @throws WireFormatException saying what is wrong with it
     */
    public static HostQuality decode(byte[] bytes) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            long uptime = in.getLong();
            long storage = in.getLong();
            int known = in.getShort() & 0xFFFF;
            int knownBy = in.getShort() & 0xFFFF;
            int flags = in.get() & 0xFF;
            int geoLength = in.get() & 0xFF;
            if (uptime < 0 || storage < 0 || geoLength > MAX_GEO_TAG) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "host quality out of range");
            }
            byte[] geo = new byte[geoLength];
            in.get(geo);
            if (in.hasRemaining()) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, in.remaining() + " bytes after a host quality");
            }
            String tag = new String(geo, StandardCharsets.ISO_8859_1);
            if (!printableAscii(tag)) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "geo tag is not printable ASCII");
            }
            return new HostQuality(uptime, storage, known, knownBy, (flags & 1) != 0, tag);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "truncated host quality");
        }
    }
}
