package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import network.butter.node.transport.HostileStreams.Kind;
import network.butter.node.transport.HostileStreams.Reading;
import network.butter.node.transport.HostileStreams.Segment;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;

/**
 * Properties of {@link FrameDecoder} in a Netty pipeline, fed valid, mutated and hostile byte streams cut into
 * random chunks: only frames come out (the node's and the transport's own link frames), exactly those a one-piece
 * reading finds; the only failure is one
 * {@link DecoderException} caused by a {@link WireFormatException}, raised by the chunk that reveals it, after
 * which nothing more comes out; what the decoder buffers stays below one maximum frame; every buffer is
 * released; and every try ends within a time limit.
 *
 * <p>jqwik prints the seed of a failing property; rerun it with {@code @Property(seed = "...")}.
 */
class FrameDecoderProperties {

    private static final Duration TRY_TIME_LIMIT = Duration.ofSeconds(10);

    /** A stream, the receiver's maximum, and how the stream is cut into reads. */
    record Scenario(int maxFrameBytes, List<Segment> segments, int maxChunkBytes, long chunkSeed) {

        private static final int BYTE_BY_BYTE_LIMIT = 2048;

        FrameCodec codec() {
            return new FrameCodec(maxFrameBytes);
        }

        /**
         * Read sizes of 1 to {@code maxChunkBytes} bytes covering {@code streamBytes}. A maximum of 1 means byte by
         * byte for the first {@value #BYTE_BY_BYTE_LIMIT} bytes (several frame boundaries), then reads of up to 16
         * bytes, to keep long streams fast.
         */
        List<Integer> chunkSizes(int streamBytes) {
            SplittableRandom random = new SplittableRandom(chunkSeed);
            List<Integer> sizes = new ArrayList<>();
            int fed = 0;
            while (fed < streamBytes) {
                int bound = maxChunkBytes > 1 ? maxChunkBytes : fed < BYTE_BY_BYTE_LIMIT ? 1 : 16;
                int size = Math.min(streamBytes - fed, 1 + random.nextInt(bound));
                sizes.add(size);
                fed += size;
            }
            return sizes;
        }
    }

    @Property(tries = 1000)
    void shouldDecodeAnyChunkingOfAnyStreamIntoItsFramesOrOneWireFormatFailure(
        @ForAll("scenarios") Scenario scenario) {
        FrameCodec codec = scenario.codec();
        byte[] stream = HostileStreams.bytes(scenario.segments(), codec);
        assertTimeoutPreemptively(TRY_TIME_LIMIT,
            () -> decodeAndCheck(codec, stream, scenario.chunkSizes(stream.length)));
    }

    /**
     * Feeds {@code stream} to a decoder in reads of {@code chunkSizes} bytes and checks every property above; shared
     * with {@link FrameDecoderFuzzTest}, which feeds it the fuzzer's streams.
     */
    static void decodeAndCheck(FrameCodec codec, byte[] stream, List<Integer> chunkSizes) {
        Reading expected = Reading.of(stream, codec);
        TrackingByteBufAllocator allocator = new TrackingByteBufAllocator();
        FrameDecoder decoder = new FrameDecoder(codec);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(allocator);

        List<Object> decoded = new ArrayList<>();
        WireFormatException failure = null;
        int framesAtFailure = -1;
        int fed = 0;
        int largestChunk = 0;
        for (int size : chunkSizes) {
            ByteBuf chunk = allocator.heapBuffer(size).writeBytes(stream, fed, size);
            int chunkStart = fed;
            fed += size;
            largestChunk = Math.max(largestChunk, size);
            try {
                channel.writeInbound(chunk);
            } catch (DecoderException e) { // anything else escapes and fails the property
                assertThat(failure).as("a second failure on the same stream").isNull();
                assertThat(e.getCause()).as("cause of the decoder's failure")
                    .isInstanceOf(WireFormatException.class);
                failure = (WireFormatException) e.getCause();
                assertThat(expected.failureDetected())
                    .as("stream offset revealing the failure; failing read covered bytes %d..%d", chunkStart, fed)
                    .isGreaterThan(chunkStart).isLessThanOrEqualTo(fed);
            }
            drainFrames(channel, decoded);
            assertThat(decoded).as("frames decoded so far").hasSizeLessThanOrEqualTo(expected.frames().size())
                .isEqualTo(expected.frames().subList(0, decoded.size()));
            if (failure == null) {
                long held = fed - expected.bytesOfFirst(decoded.size());
                assertThat(held).as("bytes buffered after a read")
                    .isLessThan(FrameCodec.LENGTH_FIELD_BYTES + (long) codec.maxFrameBytes());
                assertThat(decoder.hasPartialFrame()).as("partial frame pending with %d bytes held", held)
                    .isEqualTo(held > 0);
            } else {
                if (framesAtFailure < 0) {
                    framesAtFailure = decoded.size();
                }
                assertThat(decoded).as("frames after the failure").hasSize(framesAtFailure);
                assertThat(decoder.hasPartialFrame()).as("partial frame pending after the failure").isFalse();
            }
        }

        assertThat(decoded).as("frames decoded").isEqualTo(expected.frames());
        if (expected.failure() == null) {
            assertThat(failure).as("failure on a stream without a bad frame").isNull();
        } else {
            assertThat(failure).as("failure expected: %s", expected.failure()).isNotNull();
            assertThat(failure.code()).isEqualTo(expected.failure());
        }
        assertThat(channel.finish()).as("messages produced when the channel closes").isFalse();
        assertThat(allocator.unreleasedBuffers()).as("buffers still referenced after the channel closed").isZero();
        // Room for what is held (under one frame) plus one read, rounded up to a power of two as Netty does.
        assertThat(allocator.largestArrayBytes())
            .as("largest buffer, for max %d and reads of up to %d bytes", codec.maxFrameBytes(), largestChunk)
            .isLessThanOrEqualTo(
                powerOfTwoAtLeast(FrameCodec.LENGTH_FIELD_BYTES + codec.maxFrameBytes() + largestChunk));
    }

    private static void drainFrames(EmbeddedChannel channel, List<Object> decoded) {
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
            assertThat(message).as("message out of the decoder").isInstanceOfAny(Frame.class, LinkFrame.class);
            decoded.add(message);
        }
    }

    /** Netty's growth rule below 4 MiB: the smallest power of two, from 64 up, that holds {@code value}. */
    private static int powerOfTwoAtLeast(int value) {
        return Math.max(64, Integer.highestOneBit(value - 1) << 1);
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Segment> segment = Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(Kind.VALID)),
                Tuple.of(2, Arbitraries.just(Kind.MUTATED)),
                Tuple.of(1, Arbitraries.just(Kind.GARBAGE)),
                Tuple.of(1, Arbitraries.just(Kind.HOSTILE_LENGTH)),
                Tuple.of(1, Arbitraries.just(Kind.TRUNCATED))),
            Arbitraries.longs()
        ).as(Segment::new);
        Arbitrary<Integer> maxChunkBytes = Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(1)),
            Tuple.of(2, Arbitraries.integers().between(2, 16)),
            Tuple.of(2, Arbitraries.integers().between(17, 1500)),
            Tuple.of(2, Arbitraries.integers().between(1501, 20_000)),
            Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
        return Combinators.combine(
            Arbitraries.of(FrameCodec.MIN_MAX_FRAME_BYTES, FrameCodec.MIN_MAX_FRAME_BYTES + 476,
                4 * FrameCodec.MIN_MAX_FRAME_BYTES),
            segment.list().ofMaxSize(8),
            maxChunkBytes,
            Arbitraries.longs()
        ).as(Scenario::new);
    }
}
