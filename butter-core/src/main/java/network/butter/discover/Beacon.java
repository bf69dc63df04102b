package network.butter.discover;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.WireFormatException;

/**
 * A LAN discovery datagram: a PING from a node looking for peers, or the PONG a peer answers with. Both carry
 * the sender's peer id and listening port; its host is the datagram's source address, which is what a LAN
 * peer can actually reach.
 *
 * <pre>
 *  0               4       5       6                              38      40
 * +---------------+-------+-------+-------------------------------+-------+
 * | magic "BTRD"  | ver=1 | kind  | peer id (32 bytes)            | port  |
 * +---------------+-------+-------+-------------------------------+-------+
 *   kind: 1 = PING, 2 = PONG; port: u16, the sender's TCP listening port
 * </pre>
 *
 * @param kind PING or PONG
 * @param id   the sender's peer id (a claim: it is proven only when the peer is dialled over TLS)
 * @param port the sender's listening port, 1–65535
 */
public record Beacon(Kind kind, PeerId id, int port) {

    /** "BTRD": tells Butter discovery datagrams from anything else on the group. */
    public static final int MAGIC = 0x4254_5244;
    /** Version of the datagram format. */
    public static final int VERSION = 1;
    /** Encoded size, in bytes. */
    public static final int BYTES = 4 + 1 + 1 + PeerId.LENGTH_BYTES + 2;

    /** What a beacon asks or answers. */
    public enum Kind {
        /** "Who is there?" — answered by PONGs. */
        PING,
        /** "I am here." */
        PONG
    }

    /** Checks the parts. */
    public Beacon {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** The datagram bytes. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        out.putInt(MAGIC).put((byte) VERSION).put((byte) (kind.ordinal() + 1)).put(id.toBytes()).putShort((short) port);
        return out.array();
    }

    /**
     * Reads a datagram.
     *
     * @throws WireFormatException saying why the bytes are not a beacon of this version
     */
    public static Beacon decode(byte[] datagram) throws WireFormatException {
        if (datagram.length != BYTES) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                "a beacon is " + BYTES + " bytes, got " + datagram.length);
        }
        ByteBuffer in = ByteBuffer.wrap(datagram);
        try {
            if (in.getInt() != MAGIC) {
                throw new WireFormatException(ErrorCode.PROTOCOL_ERROR, "not a Butter discovery datagram");
            }
            int version = in.get() & 0xFF;
            if (version != VERSION) {
                throw new WireFormatException(ErrorCode.UNSUPPORTED_VERSION, "beacon version " + version);
            }
            int kind = in.get() & 0xFF;
            if (kind < 1 || kind > Kind.values().length) {
                throw new WireFormatException(ErrorCode.PROTOCOL_ERROR, "unknown beacon kind " + kind);
            }
            byte[] id = new byte[PeerId.LENGTH_BYTES];
            in.get(id);
            int port = in.getShort() & 0xFFFF;
            if (port == 0) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "beacon with port 0");
            }
            return new Beacon(Kind.values()[kind - 1], PeerId.fromBytes(id), port);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "truncated beacon");
        }
    }
}
