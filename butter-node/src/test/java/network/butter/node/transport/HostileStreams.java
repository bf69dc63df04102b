package network.butter.node.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.Route;
import network.butter.wire.WireFormatException;

/**
 * Byte streams a peer might send, built from seeded segments (valid frames, mutated frames, garbage, hostile
 * length prefixes, cut-off frames), and the reference reading of such a stream in one piece.
 *
 * <p>Every segment is a pure function of its kind and seed, so a failing sample replays exactly.
 */
final class HostileStreams {

    /** What a segment of the stream holds. */
    enum Kind {
        /** A valid frame, length field included. */
        VALID,
        /** A valid encoding, length field included, with one to three mutations. */
        MUTATED,
        /** 1 to 64 random bytes. */
        GARBAGE,
        /** A length prefix of zero or above the maximum, then up to a maximum frame's worth of random bytes. */
        HOSTILE_LENGTH,
        /** A valid encoding cut short. */
        TRUNCATED
    }

    /** One piece of a stream. */
    record Segment(Kind kind, long seed) {
    }

    private static final String ROUTE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:";
    private static final int[] EDGE_INTS = {0, 1, 0xFF, 0x7F, 0x80, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        FrameCodec.MAGIC};

    private HostileStreams() {
    }

    /** The stream the segments make, for a receiver whose maximum is that of {@code codec}. */
    static byte[] bytes(List<Segment> segments, FrameCodec codec) {
        ByteBuffer out = ByteBuffer.allocate(segments.stream().mapToInt(s -> segmentBound(codec)).sum());
        for (Segment segment : segments) {
            out.put(bytes(segment, codec));
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static int segmentBound(FrameCodec codec) {
        // The largest segment: a HOSTILE_LENGTH prefix and its tail, or a mutated frame that grew by 64 bytes.
        return FrameCodec.LENGTH_FIELD_BYTES + codec.maxFrameBytes() + 3 * 64;
    }

    private static byte[] bytes(Segment segment, FrameCodec codec) {
        SplittableRandom random = new SplittableRandom(segment.seed());
        return switch (segment.kind()) {
            case VALID -> encode(codec, frame(random, codec));
            case MUTATED -> {
                byte[] bytes = encode(codec, frame(random, codec));
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    bytes = mutate(bytes, random);
                }
                yield bytes;
            }
            case GARBAGE -> randomBytes(random, 1 + random.nextInt(64));
            case HOSTILE_LENGTH -> {
                long[] lengths = {0, codec.maxFrameBytes() + 1L, codec.maxFrameBytes() + 1L + random.nextInt(1 << 20),
                    0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL};
                ByteBuffer bytes = ByteBuffer.allocate(FrameCodec.LENGTH_FIELD_BYTES + codec.maxFrameBytes() + 64);
                bytes.putInt((int) lengths[random.nextInt(lengths.length)]);
                bytes.put(randomBytes(random, random.nextInt(bytes.remaining() + 1)));
                yield Arrays.copyOf(bytes.array(), bytes.position());
            }
            case TRUNCATED -> {
                byte[] bytes = encode(codec, frame(random, codec));
                yield Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
        };
    }

    /** A random valid frame that fits {@code codec}, payloads often empty or exactly filling the frame. */
    static Frame frame(SplittableRandom random, FrameCodec codec) {
        return switch (random.nextInt(6)) {
            case 0 -> new Frame.Hello(random.nextInt(0x1_0000), random.nextInt(0x1_0000),
                random.nextInt(FrameCodec.MIN_MAX_FRAME_BYTES, Integer.MAX_VALUE));
            case 1 -> {
                String route = route(random);
                yield new Frame.Request(random.nextInt(), random.nextLong(0x1_0000_0000L), route,
                    payload(random, codec.maxPayloadBytes(route)));
            }
            case 2 -> new Frame.Response(random.nextInt(), payload(random, codec.maxFrameBytes() - 5));
            case 3 -> new Frame.Failure(random.nextInt(), code(random), message(random));
            case 4 -> new Frame.Cancel(random.nextInt());
            default -> new Frame.GoAway(code(random), message(random));
        };
    }

    private static String route(SplittableRandom random) {
        int length = random.nextInt(4) == 0 ? Route.MAX_BYTES : 1 + random.nextInt(40);
        StringBuilder route = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            route.append(ROUTE_CHARS.charAt(random.nextInt(ROUTE_CHARS.length())));
        }
        return route.toString();
    }

    private static byte[] payload(SplittableRandom random, int maxBytes) {
        int size = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> maxBytes;
            case 2 -> random.nextInt(Math.min(64, maxBytes) + 1);
            default -> random.nextInt(maxBytes + 1);
        };
        return randomBytes(random, size);
    }

    private static ErrorCode code(SplittableRandom random) {
        return ErrorCode.values()[random.nextInt(ErrorCode.values().length)];
    }

    /** Up to 200 code points of every UTF-8 width: at most 800 bytes, so a FAILURE fits any maximum. */
    private static String message(SplittableRandom random) {
        StringBuilder message = new StringBuilder();
        for (int i = random.nextInt(201); i > 0; i--) {
            int codePoint = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> random.nextInt(0x80, 0x800);
                case 2 -> random.nextInt(0xE000, 0x1_0000);
                default -> random.nextInt(0x1_0000, Character.MAX_CODE_POINT + 1);
            };
            message.appendCodePoint(codePoint);
        }
        return message.toString();
    }

    private static byte[] mutate(byte[] bytes, SplittableRandom random) {
        int length = bytes.length;
        if (length == 0) {
            return randomBytes(random, 1 + random.nextInt(8));
        }
        byte[] mutated = bytes.clone();
        switch (random.nextInt(6)) {
            case 0 -> mutated[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> mutated[random.nextInt(length)] = (byte) random.nextInt(256);
            case 2 -> mutated = Arrays.copyOf(bytes, random.nextInt(length));
            case 3 -> mutated = splice(bytes, length, randomBytes(random, 1 + random.nextInt(64)));
            case 4 -> mutated = splice(bytes, random.nextInt(length + 1), randomBytes(random, 1 + random.nextInt(32)));
            default -> {
                if (length >= 4) {
                    int value = EDGE_INTS[random.nextInt(EDGE_INTS.length)];
                    ByteBuffer.wrap(mutated).putInt(random.nextInt(length - 3), value);
                }
            }
        }
        return mutated;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] inserted) {
        byte[] longer = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
        return longer;
    }

    private static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] encode(FrameCodec codec, Frame frame) {
        try {
            return codec.encode(frame);
        } catch (FrameTooLargeException e) {
            throw new IllegalStateException("generated a frame above the maximum: " + frame, e);
        }
    }

    /**
     * The reference reading of a whole stream, frame by frame with {@link FrameCodec}, with no chunking.
     *
     * @param frames          the frames before the first bad one
     * @param endOffsets      where each of those frames ends in the stream
     * @param failure         why the stream turned bad, or null if it did not (it may end in a partial frame)
     * @param failureDetected the number of stream bytes a reader needs to see the failure: the length field
     *                        for a bad length, the whole frame for a bad body; -1 without failure
     */
    record Reading(List<Object> frames, List<Integer> endOffsets, ErrorCode failure, int failureDetected) {

        static Reading of(byte[] stream, FrameCodec codec) {
            List<Object> frames = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            int position = 0;
            while (stream.length - position >= FrameCodec.LENGTH_FIELD_BYTES) {
                long length = ByteBuffer.wrap(stream, position, FrameCodec.LENGTH_FIELD_BYTES).getInt() & 0xFFFF_FFFFL;
                int bodyStart = position + FrameCodec.LENGTH_FIELD_BYTES;
                try {
                    codec.checkLength(length);
                } catch (WireFormatException e) {
                    return new Reading(frames, ends, e.code(), bodyStart);
                }
                if (stream.length - bodyStart < length) {
                    break;
                }
                int end = bodyStart + (int) length;
                try {
                    boolean link = (stream[bodyStart] & 0xFF) >= LinkFrame.FIRST_TYPE;
                    frames.add(link ? LinkCodec.decode(io.netty.buffer.Unpooled.wrappedBuffer(stream, bodyStart, (int) length))
                        : codec.decode(ByteBuffer.wrap(stream, bodyStart, (int) length)));
                } catch (WireFormatException e) {
                    return new Reading(frames, ends, e.code(), end);
                }
                ends.add(end);
                position = end;
            }
            return new Reading(frames, ends, null, -1);
        }

        /** How many stream bytes the first {@code count} frames take. */
        int bytesOfFirst(int count) {
            return count == 0 ? 0 : endOffsets.get(count - 1);
        }
    }
}
