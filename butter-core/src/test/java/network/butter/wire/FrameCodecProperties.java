package network.butter.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Properties of {@link FrameCodec}: every valid frame survives a round trip, every byte string either decodes
 * to a frame or is refused with a {@link WireFormatException} (never any other exception, never a large
 * allocation), and frames above the maximum are refused before anything is written.
 *
 * <p>jqwik prints the seed of a failing property; rerun it with {@code @Property(seed = "...")}.
 */
class FrameCodecProperties {

    /** The largest FAILURE frame: type, request id, code, message length, longest message. */
    private static final int LARGEST_CONTROL_FRAME_BYTES = 1 + 4 + 1 + 2 + Frame.MAX_MESSAGE_BYTES;

    /** Maxima around the edges: the smallest allowed, exactly a full FAILURE, a little and much larger. */
    private static final List<Integer> MAXIMA = List.of(FrameCodec.MIN_MAX_FRAME_BYTES,
        Math.max(FrameCodec.MIN_MAX_FRAME_BYTES, LARGEST_CONTROL_FRAME_BYTES),
        FrameCodec.MIN_MAX_FRAME_BYTES + 476, 4 * FrameCodec.MIN_MAX_FRAME_BYTES, 65_536);

    /**
     * What one decode may allocate beyond a small multiple of its input: exception stack traces, the charset
     * decoder. Far below what a decoder trusting a hostile u32 length field would ask for.
     */
    private static final long ALLOCATION_SLACK_BYTES = 1024 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS = threadAllocationCounter();

    /** A codec with the frame it is asked to encode. */
    record Case(FrameCodec codec, Frame frame) {
        @Override
        public String toString() {
            return "max " + codec.maxFrameBytes() + ": " + frame;
        }
    }

    /** Bytes handed to {@link FrameCodec#decode} (everything after a length field), in some kind of buffer. */
    record Hostile(int maxFrameBytes, byte[] bytes, BufferKind kind) {
        @Override
        public String toString() {
            return "max " + maxFrameBytes + ", " + kind + ", " + bytes.length + " bytes: "
                + WireArbitraries.hex(bytes, 64);
        }
    }

    /** The ways a transport may hand bytes to the decoder. */
    enum BufferKind { HEAP, HEAP_INSIDE_LARGER_ARRAY, DIRECT, READ_ONLY }

    @Property(tries = 600)
    void shouldDecodeEveryEncodedFrameBackToItselfWithNothingLeftOver(@ForAll("encodableFrames") Case c)
        throws Exception {
        FrameCodec codec = c.codec();
        int length = codec.frameLength(c.frame());
        // Control frames with long messages do not fit the smallest maximum; see the property below.
        Assume.that(length <= codec.maxFrameBytes());

        byte[] wire = codec.encode(c.frame());

        assertThat(wire).hasSize(FrameCodec.LENGTH_FIELD_BYTES + length);
        assertThat(ByteBuffer.wrap(wire).getInt()).isEqualTo(length);
        ByteBuffer body = ByteBuffer.wrap(wire, FrameCodec.LENGTH_FIELD_BYTES, length);
        assertThat(codec.decode(body)).isEqualTo(WireArbitraries.asDecoded(c.frame()));
        assertThat(body.hasRemaining()).as("bytes left over").isFalse();
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length + 3).position(3);
        codec.encode(c.frame(), direct);
        assertThat(direct.position()).isEqualTo(3 + wire.length);
        assertThat(WireArbitraries.bytesOf(direct.flip().position(3))).isEqualTo(wire);
    }

    // Shrinking long Unicode messages takes jqwik many seconds; the first failing sample is clear enough.
    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void shouldEncodeFailuresAndGoAwaysWithAnyMessageUnderTheSmallestPermittedMaximum(
        @ForAll("controlFrames") Frame frame) {
        FrameCodec smallest = new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES);

        assertThatCode(() -> smallest.encode(frame))
            .as("a node at the smallest permitted maximum must still be able to send any FAILURE or GOAWAY")
            .doesNotThrowAnyException();
    }

    @Property(tries = 300)
    void shouldRefuseToEncodeAFrameAboveTheMaximumBeforeWritingAnything(@ForAll("oversizedFrames") Case c) {
        FrameCodec codec = c.codec();
        int length = codec.frameLength(c.frame());
        ByteBuffer out = ByteBuffer.allocate(FrameCodec.LENGTH_FIELD_BYTES + length);

        assertThatThrownBy(() -> codec.encode(c.frame()))
            .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                assertThat(e.frameBytes()).isEqualTo(length);
                assertThat(e.maxFrameBytes()).isEqualTo(codec.maxFrameBytes());
            });
        assertThatThrownBy(() -> codec.encode(c.frame(), out)).isInstanceOf(FrameTooLargeException.class);
        assertThat(out.position()).as("bytes written before refusing").isZero();
    }

    @Property(tries = 5000)
    void shouldDecodeAnyBytesToAFrameOrAWireFormatExceptionAndNothingElse(@ForAll("hostileBodies") Hostile input)
        throws Exception {
        FrameCodec codec = new FrameCodec(input.maxFrameBytes());
        ByteBuffer buffer = bufferOf(input);
        int end = buffer.limit();

        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        Frame frame;
        try {
            frame = codec.decode(buffer);
        } catch (WireFormatException refused) {
            assertThat(refused.code()).isNotNull();
            assertThat(refused.getMessage()).isNotBlank();
            assertAllocationBounded(allocatedBefore, input);
            return;
        }
        assertAllocationBounded(allocatedBefore, input);

        assertThat(frame).isNotNull();
        assertThat(buffer.position()).as("decode consumes exactly the frame").isEqualTo(end);
        byte[] reencoded = codec.encode(frame);
        byte[] reencodedBody = Arrays.copyOfRange(reencoded, FrameCodec.LENGTH_FIELD_BYTES, reencoded.length);
        assertThat(codec.decode(ByteBuffer.wrap(reencodedBody))).isEqualTo(frame);
        if (!WireArbitraries.carriesUnknownCode(frame)) {
            // Unknown error codes decode as UNKNOWN and re-encode as 0; everything else is canonical.
            assertThat(reencodedBody).as("re-encoding of an accepted frame").isEqualTo(input.bytes());
        }
    }

    @Provide
    Arbitrary<Case> encodableFrames() {
        return Arbitraries.oneOf(MAXIMA.stream().map(FrameCodec::new)
            .map(codec -> WireArbitraries.frames(codec).map(frame -> new Case(codec, frame)))
            .toList());
    }

    @Provide
    Arbitrary<Frame> controlFrames() {
        return Arbitraries.oneOf(WireArbitraries.failures(), WireArbitraries.goAways());
    }

    @Provide
    Arbitrary<Case> oversizedFrames() {
        return Arbitraries.oneOf(MAXIMA.stream().map(FrameCodec::new)
            .map(codec -> WireArbitraries.oversized(codec).map(frame -> new Case(codec, frame)))
            .toList());
    }

    @Provide
    Arbitrary<Hostile> hostileBodies() {
        return Arbitraries.oneOf(MAXIMA.stream()
            .map(max -> Combinators.combine(
                WireArbitraries.hostileBodies(new FrameCodec(max)),
                Arbitraries.of(BufferKind.class)
            ).as((bytes, kind) -> new Hostile(max, bytes, kind)))
            .toList());
    }

    private static ByteBuffer bufferOf(Hostile input) {
        byte[] bytes = input.bytes();
        return switch (input.kind()) {
            case HEAP -> ByteBuffer.wrap(bytes.clone());
            case HEAP_INSIDE_LARGER_ARRAY -> {
                // Foreign bytes on both sides: a decoder using array offsets instead of position and limit reads them.
                byte[] padded = new byte[bytes.length + 16];
                Arrays.fill(padded, (byte) 0x5A);
                System.arraycopy(bytes, 0, padded, 7, bytes.length);
                yield ByteBuffer.wrap(padded, 7, bytes.length);
            }
            case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            case READ_ONLY -> ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        };
    }

    private static void assertAllocationBounded(long allocatedBefore, Hostile input) {
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(allocated)
            .as("bytes allocated decoding %d input bytes", input.bytes().length)
            .isLessThanOrEqualTo(ALLOCATION_SLACK_BYTES + 8L * input.bytes().length);
    }

    private static com.sun.management.ThreadMXBean threadAllocationCounter() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        // Warm up once so that class loading on the first decode is not counted against one input.
        FrameCodec codec = new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            bytes[0] = (byte) random.nextInt(8);
            try {
                codec.decode(ByteBuffer.wrap(bytes));
            } catch (WireFormatException expected) {
                // most random bytes are refused; that is the point of warming up both paths
            }
        }
        return threads;
    }
}
