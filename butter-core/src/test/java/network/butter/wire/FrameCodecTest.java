package network.butter.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final FrameCodec codec = new FrameCodec(4096);

    private Frame decodeWhole(byte[] encoded) throws WireFormatException {
        ByteBuffer buffer = ByteBuffer.wrap(encoded);
        int length = buffer.getInt();
        assertThat(length).isEqualTo(encoded.length - FrameCodec.LENGTH_FIELD_BYTES);
        return codec.decode(buffer);
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void shouldEncodeRequestExactlyAsDocumentedInProtocolMd() throws Exception {
        Frame.Request request = new Frame.Request(7, 1000, "ohce/reverse", "hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(codec.encode(request)).isEqualTo(hex(
            "00000018" + "02" + "00000007" + "000003e8" + "0c" + "6f6863652f72657665727365" + "6869"));
    }

    @Test
    void shouldEncodeHelloWithMagicVersionPortAndMaxFrame() throws Exception {
        assertThat(codec.encode(new Frame.Hello(1, 7000, 1 << 20)))
            .isEqualTo(hex("0000000d" + "01" + "42555452" + "0001" + "1b58" + "00100000"));
    }

    @Test
    void shouldRoundTripEveryFrameTypeWithNothingLeftOver() throws Exception {
        List<Frame> frames = List.of(
            new Frame.Hello(1, 0, FrameCodec.MIN_MAX_FRAME_BYTES),
            new Frame.Request(-1, 0xFFFF_FFFFL, "a", new byte[0]),
            new Frame.Request(42, 5, "butter/x:y_z-1.0", new byte[] {0, 1, 2, (byte) 255}),
            new Frame.Response(Integer.MIN_VALUE, new byte[] {9}),
            new Frame.Response(3, new byte[0]),
            new Frame.Failure(5, ErrorCode.HANDLER_FAILED, "IllegalStateException: disk full — ünïcødé ✓"),
            new Frame.Cancel(77),
            new Frame.GoAway(ErrorCode.IDLE, ""));
        for (Frame frame : frames) {
            byte[] encoded = codec.encode(frame);
            assertThat(encoded).hasSize(FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(frame));
            assertThat(decodeWhole(encoded)).as("round trip of %s", frame).isEqualTo(frame);
        }
    }

    @Test
    void shouldHandEveryRequestOnARouteTheSameRouteStringSoNodesKeepOneCopyPerRoute() throws Exception {
        Frame.Request first = (Frame.Request) decodeWhole(codec.encode(new Frame.Request(1, 5, "butter/hosts/poll", new byte[0])));
        for (int other = 0; other < 20; other++) {
            decodeWhole(codec.encode(new Frame.Request(2, 5, "other/route-" + other, new byte[] {1})));
            Frame.Request again = (Frame.Request) decodeWhole(codec.encode(new Frame.Request(3, 5, "butter/hosts/poll", new byte[] {2})));
            assertThat(again.route()).isEqualTo("butter/hosts/poll");
            if (other < 8) {
                assertThat(again.route()).as("while few other routes were seen").isSameAs(first.route());
            }
            assertThat(again.payload()).containsExactly(2);
        }
    }

    @Test
    void shouldRefuseAnInvalidRouteOfTheSameLengthAsARecentValidOne() throws Exception {
        decodeWhole(codec.encode(new Frame.Request(1, 5, "ab", new byte[0])));
        byte[] bad = codec.encode(new Frame.Request(2, 5, "ab", new byte[0]));
        bad[bad.length - 2] = ' ';
        assertThatThrownBy(() -> decodeWhole(bad)).isInstanceOf(WireFormatException.class);
    }

    @Test
    void shouldCutOverlongMessagesAtACharacterBoundary() throws Exception {
        String message = "é".repeat(Frame.MAX_MESSAGE_BYTES);
        Frame.GoAway decoded = (Frame.GoAway) decodeWhole(codec.encode(new Frame.GoAway(ErrorCode.PROTOCOL_ERROR, message)));
        assertThat(decoded.message()).isEqualTo("é".repeat(Frame.MAX_MESSAGE_BYTES / 2));
    }

    @Test
    void shouldRefuseToEncodeFrameAboveMaximum() {
        Frame.Response response = new Frame.Response(1, new byte[4096]);
        assertThatThrownBy(() -> codec.encode(response))
            .isInstanceOf(FrameTooLargeException.class).hasMessageContaining("4101 bytes exceeds the maximum of 4096");
    }

    @Test
    void shouldRejectLengthsOutsideOneToMaximumBeforeReadingTheBody() {
        assertThatThrownBy(() -> codec.checkLength(0)).isInstanceOfSatisfying(WireFormatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
        assertThatThrownBy(() -> codec.checkLength(0xFFFF_FFFFL)).isInstanceOfSatisfying(WireFormatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void shouldRejectUnknownFrameTypeAsProtocolError() {
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(new byte[] {0x17, 1, 2})))
            .isInstanceOfSatisfying(WireFormatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
                assertThat(e).hasMessage("unknown frame type 0x17");
            });
    }

    @Test
    void shouldRejectTruncatedAndOverlongBodies() throws Exception {
        byte[] cancel = codec.encode(new Frame.Cancel(1));
        byte[] body = Arrays.copyOfRange(cancel, 4, cancel.length);
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(Arrays.copyOf(body, body.length - 1))))
            .isInstanceOf(WireFormatException.class).hasMessage("CANCEL frame is truncated");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(Arrays.copyOf(body, body.length + 2))))
            .isInstanceOf(WireFormatException.class).hasMessage("2 bytes left over after a CANCEL frame");
    }

    @Test
    void shouldRejectRequestWithEmptyOrIllegalRoute() {
        byte[] emptyRoute = hex("02 00000001 00000000 00");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(emptyRoute)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("empty route");
        byte[] spaceInRoute = hex("02 00000001 00000000 03 612062");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(spaceInRoute)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("not allowed in a route");
    }

    @Test
    void shouldRejectHelloFromSomethingThatIsNotButter() {
        byte[] http = hex("01 47455420 0001 0000 00100000");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(http)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("not a Butter peer");
    }

    @Test
    void shouldRejectMessagesThatAreNotUtf8() {
        byte[] badUtf8 = hex("06 09 0002 c328");
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(badUtf8)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void shouldDecodeUnknownErrorCodesAsUnknownForForwardCompatibility() throws Exception {
        Frame.Failure failure = (Frame.Failure) codec.decode(ByteBuffer.wrap(hex("04 00000001 c8 0000")));
        assertThat(failure.code()).isEqualTo(ErrorCode.UNKNOWN);
    }

    @Test
    void shouldRefuseMaximumFrameSizesOutsideTheSupportedRange() {
        assertThatThrownBy(() -> new FrameCodec(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameCodec(FrameCodec.MAX_MAX_FRAME_BYTES + 1))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
