package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * Encodes and decodes {@link LinkFrame}s: the type byte and body after the length field, as for {@link Frame}s.
 *
 * <pre>
 *  ADVERTISE (0x10)      address (as PayloadWriter.address: id, host, port, [relay id])
 *  CIRCUIT_CONNECT (0x11)  circuitId (u32) | target id (32 bytes)
 *  CIRCUIT_INCOMING (0x12) circuitId (u32) | source id (32 bytes)
 *  CIRCUIT_ACCEPT (0x13)   circuitId (u32)
 *  CIRCUIT_DATA (0x14)     circuitId (u32) | data (all remaining bytes)
 *  CIRCUIT_CLOSE (0x15)    circuitId (u32) | code (u8) | reasonLen (u16) | reason (UTF-8)
 * </pre>
 */
final class LinkCodec {

    /** Bytes of a CIRCUIT_DATA frame before its data: the type byte and the circuit id. */
    static final int DATA_OVERHEAD_BYTES = 1 + 4;

    private LinkCodec() {
    }

    /** The type byte and body of {@code frame}. */
    static byte[] encode(LinkFrame frame) {
        PayloadWriter out = new PayloadWriter(frame instanceof LinkFrame.CircuitData d ? 5 + d.data().length : 64);
        out.u8(frame.type());
        switch (frame) {
            case LinkFrame.Advertise a -> out.address(a.address());
            case LinkFrame.CircuitConnect c -> out.u32(c.circuitId() & 0xFFFF_FFFFL).raw(c.target().toBytes());
            case LinkFrame.CircuitIncoming i -> out.u32(i.circuitId() & 0xFFFF_FFFFL).raw(i.source().toBytes());
            case LinkFrame.CircuitAccept a -> out.u32(a.circuitId() & 0xFFFF_FFFFL);
            case LinkFrame.CircuitData d -> out.u32(d.circuitId() & 0xFFFF_FFFFL).raw(d.data());
            case LinkFrame.CircuitClose c -> out.u32(c.circuitId() & 0xFFFF_FFFFL).u8(c.code().wireValue())
                .raw(shortUtf8Field(c.reason()));
        }
        return out.toByteArray();
    }

    /**
     * Decodes the type byte and body of one link frame, consuming all of {@code in}.
     *
     * @throws WireFormatException naming the problem if the bytes are not a valid link frame
     */
    static LinkFrame decode(ByteBuf in) throws WireFormatException {
        int type = in.readUnsignedByte();
        if (type == LinkFrame.CIRCUIT_DATA && in.readableBytes() >= 4) {
            int circuitId = in.readInt();
            byte[] data = new byte[in.readableBytes()]; // the one copy a relayed byte costs here
            in.readBytes(data);
            return new LinkFrame.CircuitData(circuitId, data);
        }
        byte[] body = new byte[in.readableBytes()];
        in.readBytes(body);
        PayloadReader reader = new PayloadReader(body, name(type) + " frame");
        LinkFrame frame = switch (type) {
            case LinkFrame.ADVERTISE -> new LinkFrame.Advertise(reader.address());
            case LinkFrame.CIRCUIT_CONNECT -> new LinkFrame.CircuitConnect((int) reader.u32(), reader.peerId());
            case LinkFrame.CIRCUIT_INCOMING -> new LinkFrame.CircuitIncoming((int) reader.u32(), reader.peerId());
            case LinkFrame.CIRCUIT_ACCEPT -> new LinkFrame.CircuitAccept((int) reader.u32());
            case LinkFrame.CIRCUIT_DATA -> throw reader.malformed("shorter than its circuit id");
            case LinkFrame.CIRCUIT_CLOSE -> new LinkFrame.CircuitClose((int) reader.u32(),
                ErrorCode.fromWire(reader.u8()), reader.text());
            default -> throw new WireFormatException(ErrorCode.PROTOCOL_ERROR,
                String.format(java.util.Locale.ROOT, "unknown frame type 0x%02x", type));
        };
        reader.end();
        return frame;
    }

    /** A u16 length and UTF-8 text, cut to {@link Frame#MAX_MESSAGE_BYTES} at a character boundary. */
    private static byte[] shortUtf8Field(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int end = Math.min(utf8.length, Frame.MAX_MESSAGE_BYTES);
        while (end < utf8.length && end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new PayloadWriter(2 + end).u16(end).raw(java.util.Arrays.copyOf(utf8, end)).toByteArray();
    }

    private static String name(int type) {
        return switch (type) {
            case LinkFrame.ADVERTISE -> "ADVERTISE";
            case LinkFrame.CIRCUIT_CONNECT -> "CIRCUIT_CONNECT";
            case LinkFrame.CIRCUIT_INCOMING -> "CIRCUIT_INCOMING";
            case LinkFrame.CIRCUIT_ACCEPT -> "CIRCUIT_ACCEPT";
            case LinkFrame.CIRCUIT_DATA -> "CIRCUIT_DATA";
            case LinkFrame.CIRCUIT_CLOSE -> "CIRCUIT_CLOSE";
            default -> String.format(java.util.Locale.ROOT, "type-0x%02x", type);
        };
    }
}
