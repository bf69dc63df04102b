package network.butter.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes and decodes {@link Frame}s. Pure and allocation-bounded: it never reads past the frame it is given
 * and never allocates more than the frame's own size, so it is safe on hostile input.
 *
 * <pre>
 *  Every frame:
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |                 length (u32, big-endian)                      |  bytes after this field,
 *  +---------------+---------------+---------------+---------------+  1 .. maxFrameBytes
 *  |     type      |            body (length - 1 bytes) ...
 *  +---------------+------------------------------------------------
 * </pre>
 *
 * The body layouts are in {@code docs/PROTOCOL.md}. {@link #decode(ByteBuffer)} takes the bytes after the
 * length field, exactly one frame's worth: a transport first reads the length, checks it against
 * {@link #maxFrameBytes()} and waits for that many bytes.
 */
public final class FrameCodec {

    /** The protocol version this code speaks. */
    public static final int PROTOCOL_VERSION = 1;
    /** "BUTR": the magic that opens a HELLO body and identifies the protocol. */
    public static final int MAGIC = 0x4255_5452;
    /** Size of the length prefix, in bytes. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** The smallest maximum frame size a node may configure: room for a HELLO and small requests. */
    public static final int MIN_MAX_FRAME_BYTES = 1024;
    /** The largest maximum frame size a node may configure: 64 MiB. */
    public static final int MAX_MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private static final int HELLO_BODY_BYTES = 4 + 2 + 2 + 4;
    private static final int REQUEST_HEADER_BYTES = 4 + 4 + 1;
    private static final int RESPONSE_HEADER_BYTES = 4;

    /** Slots of the cache of routes decoded lately; a power of two. */
    private static final int ROUTE_SLOTS = 16;

    private final int maxFrameBytes;
    /**
     * Routes decoded lately, so that a node keeps one string per route rather than one per request (the rate
     * limiter's and the traffic counters' keys hold on to them): a handful of routes carry nearly all traffic.
     * Bounded, overwritten round-robin, only ever holding valid routes. Transports share one codec between threads:
     * a racy read sees an older route or none (entries are immutable), which only costs a fresh string.
     */
    private final CachedRoute[] recentRoutes = new CachedRoute[ROUTE_SLOTS];
    private int nextRouteSlot;

    /**
     * @param maxFrameBytes the largest frame (type byte plus body) to accept or produce, in bytes
     */
    public FrameCodec(int maxFrameBytes) {
        if (maxFrameBytes < MIN_MAX_FRAME_BYTES || maxFrameBytes > MAX_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be " + MIN_MAX_FRAME_BYTES + ".." + MAX_MAX_FRAME_BYTES
                + ", got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The largest frame accepted or produced, counting the type byte and body but not the length field. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The largest request or response payload that fits in one frame with the given route. */
    public int maxPayloadBytes(String route) {
        return maxFrameBytes - 1 - REQUEST_HEADER_BYTES - route.length();
    }

    /**
     * Checks a frame length read from the wire.
     *
     * @throws WireFormatException if it is zero or above the maximum, before anything is allocated for it
     */
    public void checkLength(long length) throws WireFormatException {
        if (length < 1) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "frame length " + length + " is below 1");
        }
        if (length > maxFrameBytes) {
            throw new WireFormatException(ErrorCode.PAYLOAD_TOO_LARGE,
                "frame length " + length + " exceeds the maximum of " + maxFrameBytes + " bytes");
        }
    }

    /** The encoded size of {@code frame} after the length field (type byte plus body), in bytes. */
    public int frameLength(Frame frame) {
        // Tested with instanceof, requests and responses first: nearly all the traffic, and cheaper than a pattern
        // switch on this path taken several times per frame.
        if (frame instanceof Frame.Request r) {
            return 1 + REQUEST_HEADER_BYTES + r.route().length() + r.payload().length;
        } else if (frame instanceof Frame.Response r) {
            return 1 + RESPONSE_HEADER_BYTES + r.payload().length;
        } else if (frame instanceof Frame.Failure f) {
            return 1 + 4 + 1 + 2 + messageBytes(f.message()).length;
        } else if (frame instanceof Frame.Cancel) {
            return 1 + 4;
        } else if (frame instanceof Frame.Hello) {
            return 1 + HELLO_BODY_BYTES;
        }
        return 1 + 1 + 2 + messageBytes(((Frame.GoAway) frame).message()).length;
    }

    /**
     * Encodes a frame, length field included, into a new array.
     *
     * @throws FrameTooLargeException if it would exceed {@link #maxFrameBytes()}
     */
    public byte[] encode(Frame frame) throws FrameTooLargeException {
        int length = checkedLength(frame);
        ByteBuffer out = ByteBuffer.allocate(LENGTH_FIELD_BYTES + length);
        write(frame, length, out);
        return out.array();
    }

    /**
     * Encodes a frame, length field included, at the position of {@code out}, advancing it.
     *
     * @throws FrameTooLargeException if it would exceed {@link #maxFrameBytes()}
     * @throws java.nio.BufferOverflowException if {@code out} lacks the room ({@code 4 + frameLength})
     */
    public void encode(Frame frame, ByteBuffer out) throws FrameTooLargeException {
        write(frame, checkedLength(frame), out);
    }

    private int checkedLength(Frame frame) throws FrameTooLargeException {
        int length = frameLength(frame);
        if (length > maxFrameBytes) {
            throw new FrameTooLargeException(length, maxFrameBytes);
        }
        return length;
    }

    private static void write(Frame frame, int length, ByteBuffer out) {
        out.putInt(length);
        out.put((byte) frame.type());
        if (frame instanceof Frame.Request r) {
            out.putInt(r.requestId());
            out.putInt((int) r.timeoutMs());
            out.put((byte) r.route().length());
            Route.put(r.route(), out);
            out.put(r.payload());
        } else if (frame instanceof Frame.Response r) {
            out.putInt(r.requestId());
            out.put(r.payload());
        } else if (frame instanceof Frame.Failure f) {
            out.putInt(f.requestId());
            out.put((byte) f.code().wireValue());
            putMessage(f.message(), out);
        } else if (frame instanceof Frame.Cancel c) {
            out.putInt(c.requestId());
        } else if (frame instanceof Frame.Hello h) {
            out.putInt(MAGIC);
            out.putShort((short) h.version());
            out.putShort((short) h.listenPort());
            out.putInt(h.maxFrameBytes());
        } else {
            Frame.GoAway g = (Frame.GoAway) frame;
            out.put((byte) g.code().wireValue());
            putMessage(g.message(), out);
        }
    }

    /**
     * Decodes one frame from exactly the bytes after its length field, consuming all of them.
     *
     * @param frame the type byte and body; its remaining length must already have passed
     *              {@link #checkLength(long)}
     * @throws WireFormatException with a precise reason if the bytes are not a valid frame, including when
     *                             bytes are left over after the body
     */
    public Frame decode(ByteBuffer frame) throws WireFormatException {
        checkLength(frame.remaining());
        int type = frame.get() & 0xFF;
        Frame decoded;
        try {
            decoded = switch (type) {
                case Frame.HELLO -> decodeHello(frame);
                case Frame.REQUEST -> decodeRequest(frame);
                case Frame.RESPONSE -> new Frame.Response(frame.getInt(), remaining(frame));
                case Frame.FAILURE -> new Frame.Failure(frame.getInt(), ErrorCode.fromWire(frame.get() & 0xFF),
                    getMessage(frame));
                case Frame.CANCEL -> new Frame.Cancel(frame.getInt());
                case Frame.GO_AWAY -> new Frame.GoAway(ErrorCode.fromWire(frame.get() & 0xFF), getMessage(frame));
                default -> throw new WireFormatException(ErrorCode.PROTOCOL_ERROR,
                    String.format(java.util.Locale.ROOT, "unknown frame type 0x%02x", type));
            };
        } catch (BufferUnderflowException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, frameName(type) + " frame is truncated");
        }
        if (frame.hasRemaining()) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                frame.remaining() + " bytes left over after a " + frameName(type) + " frame");
        }
        return decoded;
    }

    private static Frame decodeHello(ByteBuffer in) throws WireFormatException {
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new WireFormatException(ErrorCode.PROTOCOL_ERROR,
                String.format(java.util.Locale.ROOT, "HELLO magic is 0x%08x, expected 0x%08x ('BUTR'): not a Butter peer", magic, MAGIC));
        }
        int version = in.getShort() & 0xFFFF;
        int listenPort = in.getShort() & 0xFFFF;
        int maxFrameBytes = in.getInt();
        if (maxFrameBytes < MIN_MAX_FRAME_BYTES) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                "HELLO announces maxFrameBytes " + maxFrameBytes + ", below the minimum " + MIN_MAX_FRAME_BYTES);
        }
        return new Frame.Hello(version, listenPort, maxFrameBytes);
    }

    private Frame decodeRequest(ByteBuffer in) throws WireFormatException {
        int requestId = in.getInt();
        long timeoutMs = in.getInt() & 0xFFFF_FFFFL;
        int routeLength = in.get() & 0xFF;
        if (routeLength == 0) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "REQUEST " + requestId + " has an empty route");
        }
        if (in.remaining() < routeLength) {
            throw new BufferUnderflowException();
        }
        String route = recentRoute(in, routeLength);
        boolean cached = route != null;
        if (cached) {
            in.position(in.position() + routeLength);
        } else {
            byte[] routeBytes = new byte[routeLength];
            in.get(routeBytes);
            route = new String(routeBytes, StandardCharsets.ISO_8859_1);
        }
        byte[] payload = remaining(in);
        Frame.Request request;
        try {
            request = new Frame.Request(requestId, timeoutMs, route, payload); // checks the route, once
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "REQUEST " + requestId + ": " + Route.problem(route));
        }
        if (!cached) {
            recentRoutes[nextRouteSlot++ & (ROUTE_SLOTS - 1)] = new CachedRoute(route);
        }
        return request;
    }

    /** The cached route spelled by the next {@code length} bytes of {@code in}, or null; does not move {@code in}. */
    private String recentRoute(ByteBuffer in, int length) {
        int start = in.position();
        for (int slot = 0; slot < ROUTE_SLOTS; slot++) {
            CachedRoute cached = recentRoutes[slot];
            if (cached != null && cached.bytes.length == length && cached.spelledBy(in, start)) {
                return cached.route;
            }
        }
        return null;
    }

    /** A route decoded lately, with its bytes (ISO-8859-1, as on the wire) to compare the next ones against. */
    private static final class CachedRoute {
        final String route;
        final byte[] bytes;

        CachedRoute(String route) {
            this.route = route;
            this.bytes = route.getBytes(StandardCharsets.ISO_8859_1);
        }

        /** Whether the bytes of {@code in} from {@code start} spell this route; compares arrays when it can. */
        boolean spelledBy(ByteBuffer in, int start) {
            if (in.hasArray()) {
                int from = in.arrayOffset() + start;
                return Arrays.equals(in.array(), from, from + bytes.length, bytes, 0, bytes.length);
            }
            for (int i = 0; i < bytes.length; i++) {
                if (in.get(start + i) != bytes[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static byte[] remaining(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return bytes;
    }

    private static String getMessage(ByteBuffer in) throws WireFormatException {
        int length = in.getShort() & 0xFFFF;
        if (length > Frame.MAX_MESSAGE_BYTES) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                "message length " + length + " exceeds " + Frame.MAX_MESSAGE_BYTES + " bytes");
        }
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "message is not valid UTF-8");
        }
    }

    private static void putMessage(String message, ByteBuffer out) {
        byte[] bytes = messageBytes(message);
        out.putShort((short) bytes.length);
        out.put(bytes);
    }

    /** UTF-8 of the message, cut at a character boundary to at most {@link Frame#MAX_MESSAGE_BYTES}. */
    static byte[] messageBytes(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Frame.MAX_MESSAGE_BYTES) {
            return bytes;
        }
        int end = Frame.MAX_MESSAGE_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not split a multi-byte character
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    private static String frameName(int type) {
        return switch (type) {
            case Frame.HELLO -> "HELLO";
            case Frame.REQUEST -> "REQUEST";
            case Frame.RESPONSE -> "RESPONSE";
            case Frame.FAILURE -> "FAILURE";
            case Frame.CANCEL -> "CANCEL";
            case Frame.GO_AWAY -> "GOAWAY";
            default -> String.format(java.util.Locale.ROOT, "type-0x%02x", type);
        };
    }
}
