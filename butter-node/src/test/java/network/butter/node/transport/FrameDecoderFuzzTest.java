package network.butter.node.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import network.butter.wire.FrameCodec;

/**
 * Fuzzes {@link FrameDecoder}, the first code to see a connected peer's bytes, with the fuzzer's byte streams cut
 * into reads, checking everything {@link FrameDecoderProperties} checks: only frames come out, exactly those a
 * one-piece reading finds, or one failure caused by a {@code WireFormatException}; nothing is buffered beyond one
 * maximum frame; every buffer is released. Runs the checked-in corpus in every build; {@code scripts/fuzz.sh}
 * fuzzes it for real.
 *
 * <p>Input layout, so that seeds are easy to write: byte 0 picks the receiver's maximum frame size, byte 1 the
 * largest read (1 to 256 bytes), byte 2 seeds the read sizes, and the rest is the stream.
 */
class FrameDecoderFuzzTest {

    private static final int HEADER_BYTES = 3;
    private static final int[] MAX_FRAME_BYTES = {
        FrameCodec.MIN_MAX_FRAME_BYTES, FrameCodec.MIN_MAX_FRAME_BYTES + 476, 4 * FrameCodec.MIN_MAX_FRAME_BYTES
    };

    @FuzzTest
    void shouldDecodeAnyStreamInAnyReadsToItsFramesOrOneFailure(byte[] input) {
        if (input.length < HEADER_BYTES) {
            return;
        }
        FrameCodec codec = new FrameCodec(MAX_FRAME_BYTES[(input[0] & 0xFF) % MAX_FRAME_BYTES.length]);
        int maxReadBytes = 1 + (input[1] & 0xFF);
        SplittableRandom random = new SplittableRandom(input[2]);
        byte[] stream = Arrays.copyOfRange(input, HEADER_BYTES, input.length);
        List<Integer> readSizes = new ArrayList<>();
        for (int fed = 0; fed < stream.length; ) {
            int size = Math.min(stream.length - fed, 1 + random.nextInt(maxReadBytes));
            readSizes.add(size);
            fed += size;
        }
        FrameDecoderProperties.decodeAndCheck(codec, stream, readSizes);
    }
}
