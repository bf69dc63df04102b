package network.butter.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for frames and for hostile frame bodies, aimed at the edges: empty payloads, routes of the
 * full 255 characters, payloads that exactly fill a frame, messages of every UTF-8 width around the
 * {@link Frame#MAX_MESSAGE_BYTES} cut, and valid encodings mutated by bit flips, truncation, extension and splices.
 *
 * <p>Large random byte arrays are made from a generated seed rather than byte by byte, which keeps tries fast;
 * the seed is part of the reported sample, so a failure still replays.
 */
final class WireArbitraries {

    /** Every character a route may contain. */
    static final String ROUTE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:";

    private static final List<Integer> EDGE_INTS = List.of(0, 1, 0xFF, 0x7F, 0x80, 0xFFFF, 0x7FFF_FFFF,
        0x8000_0000, 0xFFFF_FFFF, FrameCodec.MIN_MAX_FRAME_BYTES, FrameCodec.MAGIC);

    private WireArbitraries() {
    }

    /** Any frame that {@code codec} can encode, except control frames too long for its maximum. */
    static Arbitrary<Frame> frames(FrameCodec codec) {
        return Arbitraries.oneOf(hellos(), requests(codec), responses(codec), failures(), cancels(), goAways());
    }

    static Arbitrary<Frame> hellos() {
        return Combinators.combine(
            Arbitraries.integers().between(0, 0xFFFF),
            Arbitraries.integers().between(0, 0xFFFF),
            Arbitraries.integers().between(FrameCodec.MIN_MAX_FRAME_BYTES, Integer.MAX_VALUE)
        ).as((version, listenPort, maxFrameBytes) -> new Frame.Hello(version, listenPort, maxFrameBytes));
    }

    /** Requests whose payload ranges from empty to exactly filling the frame. */
    static Arbitrary<Frame> requests(FrameCodec codec) {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.longs().between(0, 0xFFFF_FFFFL), routes())
            .flatAs((id, timeoutMs, route) -> payloads(0, codec.maxPayloadBytes(route))
                .map(payload -> new Frame.Request(id, timeoutMs, route, payload)));
    }

    /** Responses whose payload ranges from empty to exactly filling the frame. */
    static Arbitrary<Frame> responses(FrameCodec codec) {
        return Combinators.combine(Arbitraries.integers(), payloads(0, codec.maxFrameBytes() - 5))
            .as((id, payload) -> new Frame.Response(id, payload));
    }

    static Arbitrary<Frame> failures() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.of(ErrorCode.class), messages())
            .as((id, code, message) -> new Frame.Failure(id, code, message));
    }

    static Arbitrary<Frame> cancels() {
        return Arbitraries.integers().map(Frame.Cancel::new);
    }

    static Arbitrary<Frame> goAways() {
        return Combinators.combine(Arbitraries.of(ErrorCode.class), messages())
            .as((code, message) -> new Frame.GoAway(code, message));
    }

    /** Requests and responses from one byte to two KiB above what {@code codec} accepts. */
    static Arbitrary<Frame> oversized(FrameCodec codec) {
        Arbitrary<Frame> requests = Combinators.combine(Arbitraries.integers(), routes())
            .flatAs((id, route) -> payloads(codec.maxPayloadBytes(route) + 1, codec.maxPayloadBytes(route) + 2048)
                .map(payload -> new Frame.Request(id, 0, route, payload)));
        Arbitrary<Frame> responses = Combinators.combine(Arbitraries.integers(),
                payloads(codec.maxFrameBytes() - 4, codec.maxFrameBytes() + 2048))
            .as((id, payload) -> new Frame.Response(id, payload));
        return Arbitraries.oneOf(requests, responses);
    }

    /** Valid routes, with the longest allowed length as a frequent edge. */
    static Arbitrary<String> routes() {
        Arbitrary<String> any = Arbitraries.strings().withChars(ROUTE_CHARS.toCharArray())
            .ofMinLength(1).ofMaxLength(Route.MAX_BYTES);
        Arbitrary<String> longest = Arbitraries.strings().withChars(ROUTE_CHARS.toCharArray())
            .ofLength(Route.MAX_BYTES);
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(1, longest));
    }

    /** Random payloads of {@code minBytes..maxBytes}; the bounds themselves are jqwik edge cases. */
    static Arbitrary<byte[]> payloads(int minBytes, int maxBytes) {
        return Combinators.combine(Arbitraries.integers().between(minBytes, maxBytes), Arbitraries.longs())
            .as(WireArbitraries::randomBytes);
    }

    /** Unicode messages (never lone surrogates): short, long, and of every UTF-8 width around the cut. */
    static Arbitrary<String> messages() {
        return Arbitraries.frequencyOf(
            Tuple.of(3, codePointStrings(40)),
            Tuple.of(2, codePointStrings(1200)),
            Tuple.of(3, nearTheCut()));
    }

    private static Arbitrary<String> codePointStrings(int maxCodePoints) {
        return codePoints().list().ofMaxSize(maxCodePoints).map(WireArbitraries::stringOf);
    }

    /** One repeated character of a random UTF-8 width behind a short ASCII prefix, within 8 bytes of the cut. */
    private static Arbitrary<String> nearTheCut() {
        int lowest = Frame.MAX_MESSAGE_BYTES - 8;
        int highest = Frame.MAX_MESSAGE_BYTES + 8;
        return Combinators.combine(codePoints(), Arbitraries.integers().between(0, 3))
            .flatAs((codePoint, prefix) -> {
                int width = utf8Width(codePoint);
                return Arbitraries.integers().between((lowest - prefix) / width, (highest - prefix) / width + 1)
                    .map(count -> "a".repeat(prefix) + Character.toString(codePoint).repeat(count));
            });
    }

    private static Arbitrary<Integer> codePoints() {
        return Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.integers().between(0x20, 0x7E)),
            Tuple.of(1, Arbitraries.integers().between(0x00, 0x7F)),
            Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
            Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF)
                .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)),
            Tuple.of(2, Arbitraries.integers().between(0x1_0000, Character.MAX_CODE_POINT)));
    }

    /**
     * Bodies (the bytes after a length field) for a decoder to choke on: short random bytes, random bytes behind
     * a plausible type byte, and valid encodings left intact or mutated one to four times.
     */
    static Arbitrary<byte[]> hostileBodies(FrameCodec codec) {
        Arbitrary<byte[]> shortRandom = Arbitraries.bytes().array(byte[].class).ofMaxSize(24);
        Arbitrary<byte[]> typedRandom = Combinators.combine(
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, codec.maxFrameBytes() + 8),
            Arbitraries.longs()
        ).as((type, size, seed) -> {
            byte[] bytes = randomBytes(size + 1, seed);
            bytes[0] = (byte) (int) type;
            return bytes;
        });
        Arbitrary<byte[]> mutated = Combinators.combine(
            frames(codec).filter(frame -> codec.frameLength(frame) <= codec.maxFrameBytes()),
            Arbitraries.longs(),
            Arbitraries.integers().between(0, 4)
        ).as((frame, seed, mutations) -> mutate(body(codec, frame), new SplittableRandom(seed), mutations));
        return Arbitraries.frequencyOf(Tuple.of(1, shortRandom), Tuple.of(2, typedRandom), Tuple.of(6, mutated));
    }

    /** A valid encoding without its length field. */
    static byte[] body(FrameCodec codec, Frame frame) {
        try {
            byte[] wire = codec.encode(frame);
            return Arrays.copyOfRange(wire, FrameCodec.LENGTH_FIELD_BYTES, wire.length);
        } catch (FrameTooLargeException e) {
            throw new IllegalStateException("generator produced a frame above the maximum: " + frame, e);
        }
    }

    /** Applies {@code count} random mutations: bit flips, edge values, truncation, extension, splices. */
    static byte[] mutate(byte[] original, SplittableRandom random, int count) {
        byte[] bytes = original;
        for (int i = 0; i < count; i++) {
            bytes = mutateOnce(bytes, random);
        }
        return bytes;
    }

    private static byte[] mutateOnce(byte[] bytes, SplittableRandom random) {
        int length = bytes.length;
        switch (random.nextInt(8)) {
            case 0 -> {
                if (length > 0) {
                    byte[] flipped = bytes.clone();
                    flipped[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                    return flipped;
                }
                return bytes;
            }
            case 1 -> {
                if (length > 0) {
                    byte[] changed = bytes.clone();
                    changed[random.nextInt(length)] = (byte) random.nextInt(256);
                    return changed;
                }
                return bytes;
            }
            case 2 -> {
                return Arrays.copyOf(bytes, random.nextInt(length + 1));
            }
            case 3 -> {
                return splice(bytes, length, randomBytes(1 + random.nextInt(64), random.nextLong()));
            }
            case 4 -> {
                byte[] inserted = randomBytes(1 + random.nextInt(32), random.nextLong());
                return splice(bytes, random.nextInt(length + 1), inserted);
            }
            case 5 -> {
                int from = random.nextInt(length + 1);
                int to = from + random.nextInt(length - from + 1);
                byte[] shorter = new byte[length - (to - from)];
                System.arraycopy(bytes, 0, shorter, 0, from);
                System.arraycopy(bytes, to, shorter, from, length - to);
                return shorter;
            }
            case 6 -> {
                int width = List.of(1, 2, 4).get(random.nextInt(3));
                if (length < width) {
                    return bytes;
                }
                ByteBuffer changed = ByteBuffer.wrap(bytes.clone());
                int at = random.nextInt(length - width + 1);
                int value = EDGE_INTS.get(random.nextInt(EDGE_INTS.size()));
                switch (width) {
                    case 1 -> changed.put(at, (byte) value);
                    case 2 -> changed.putShort(at, (short) value);
                    default -> changed.putInt(at, value);
                }
                return changed.array();
            }
            default -> {
                int from = random.nextInt(length + 1);
                int to = from + random.nextInt(Math.min(64, length - from) + 1);
                return splice(bytes, random.nextInt(length + 1), Arrays.copyOfRange(bytes, from, to));
            }
        }
    }

    private static byte[] splice(byte[] bytes, int at, byte[] inserted) {
        byte[] longer = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
        return longer;
    }

    /** The frame a decoder returns for an encoded {@code frame}: messages cut to the longest allowed. */
    static Frame asDecoded(Frame frame) {
        return switch (frame) {
            case Frame.Failure f -> new Frame.Failure(f.requestId(), f.code(), cutToMessageLimit(f.message()));
            case Frame.GoAway g -> new Frame.GoAway(g.code(), cutToMessageLimit(g.message()));
            default -> frame;
        };
    }

    /** Whether the frame's error code is {@link ErrorCode#UNKNOWN}, which does not re-encode byte for byte. */
    static boolean carriesUnknownCode(Frame frame) {
        return frame instanceof Frame.Failure f && f.code() == ErrorCode.UNKNOWN
            || frame instanceof Frame.GoAway g && g.code() == ErrorCode.UNKNOWN;
    }

    /** The longest prefix of whole code points that fits the message limit: an oracle independent of the codec. */
    static String cutToMessageLimit(String message) {
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int codePoint : message.codePoints().toArray()) {
            bytes += utf8Width(codePoint);
            if (bytes > Frame.MAX_MESSAGE_BYTES) {
                break;
            }
            kept.appendCodePoint(codePoint);
        }
        return kept.toString();
    }

    private static int utf8Width(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x1_0000 ? 3 : 4;
    }

    private static String stringOf(List<Integer> codePoints) {
        StringBuilder text = new StringBuilder();
        codePoints.forEach(text::appendCodePoint);
        return text.toString();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** The remaining bytes of a buffer, without moving it. */
    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Hex of at most {@code limit} bytes, for readable samples in failure reports. */
    static String hex(byte[] bytes, int limit) {
        String shown = HexFormat.of().formatHex(bytes, 0, Math.min(limit, bytes.length));
        return bytes.length > limit ? shown + "…" : shown;
    }
}
