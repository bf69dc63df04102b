package network.butter.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes the frame decoder, which reads every byte a connected peer sends. Runs the checked-in corpus in every
 * build; {@code scripts/fuzz.sh} fuzzes it for real.
 */
class FrameCodecFuzzTest {

    private static final FrameCodec CODEC = new FrameCodec(64 * 1024);

    @FuzzTest
    void shouldDecodeAnyFrameBodyToAFrameOrARefusal(byte[] body) throws FrameTooLargeException {
        Frame frame = DecoderContract.decode(body, bytes -> CODEC.decode(ByteBuffer.wrap(bytes)));
        if (frame == null) {
            return;
        }
        byte[] encoded = CODEC.encode(frame);
        byte[] reencodedBody = Arrays.copyOfRange(encoded, FrameCodec.LENGTH_FIELD_BYTES, encoded.length);
        Frame again = DecoderContract.decodeOwn(reencodedBody, bytes -> CODEC.decode(ByteBuffer.wrap(bytes)));
        assertThat(again).isEqualTo(frame);
        if (!carriesUnknownCode(frame)) {
            assertThat(reencodedBody).as("a frame has one encoding").isEqualTo(body);
        }
    }

    /** Error codes this version does not know decode as {@link ErrorCode#UNKNOWN}: that is the one lossy field. */
    private static boolean carriesUnknownCode(Frame frame) {
        return frame instanceof Frame.Failure failure && failure.code() == ErrorCode.UNKNOWN
            || frame instanceof Frame.GoAway goAway && goAway.code() == ErrorCode.UNKNOWN;
    }
}
