package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.Route;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameEncoder} writes requests and responses with the buffer's own calls rather than through
 * {@link FrameCodec}: their bytes must be the codec's, to the byte, for every id, timeout, route and payload size up
 * to a full frame; and a frame above the maximum is still refused.
 *
 * <p>jqwik prints the seed of a failing property; rerun it with {@code @Property(seed = "...")}.
 */
class FrameEncoderProperties {

    private static final int MAX_FRAME_BYTES = 4096;
    private static final String ROUTE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:";

    private final FrameCodec codec = new FrameCodec(MAX_FRAME_BYTES);

    @Property(tries = 300)
    void shouldWriteEveryRequestAndResponseExactlyAsTheCodecEncodesIt(@ForAll("requestsAndResponses") Frame frame)
            throws FrameTooLargeException {
        assertThat(encoded(frame)).isEqualTo(codec.encode(frame));
    }

    @Test
    void shouldWriteEveryOtherFrameAsTheCodecEncodesIt() throws FrameTooLargeException {
        for (Frame frame : new Frame[] {new Frame.Hello(1, 4242, MAX_FRAME_BYTES),
                new Frame.Failure(7, ErrorCode.HANDLER_FAILED, "dïsk full"), new Frame.Cancel(-3),
                new Frame.GoAway(ErrorCode.IDLE, "idle")}) {
            assertThat(encoded(frame)).as("%s", frame).isEqualTo(codec.encode(frame));
        }
    }

    @Test
    void shouldRefuseAResponseAboveTheMaximumFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(codec));

        assertThatThrownBy(() -> channel.writeOutbound(new Frame.Response(1, new byte[MAX_FRAME_BYTES])))
            .isInstanceOf(EncoderException.class).hasCauseInstanceOf(FrameTooLargeException.class);
        channel.finishAndReleaseAll();
    }

    private byte[] encoded(Frame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(codec));
        channel.writeOutbound(frame);
        ByteBuf written = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(written);
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    @Provide
    Arbitrary<Frame> requestsAndResponses() {
        Arbitrary<String> routes = Arbitraries.oneOf(
            Arbitraries.strings().withChars(ROUTE_CHARS.toCharArray()).ofMinLength(1).ofMaxLength(Route.MAX_BYTES),
            Arbitraries.strings().withChars(ROUTE_CHARS.toCharArray()).ofLength(Route.MAX_BYTES));
        Arbitrary<Frame> requests = Combinators.combine(Arbitraries.integers(),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL), routes, Arbitraries.longs())
            .flatAs((id, timeoutMs, route, seed) -> Arbitraries.integers().between(0, codec.maxPayloadBytes(route))
                .map(size -> new Frame.Request(id, timeoutMs, route, bytes(size, seed))));
        Arbitrary<Frame> responses = Combinators.combine(Arbitraries.integers(),
                Arbitraries.integers().between(0, MAX_FRAME_BYTES - 5), Arbitraries.longs())
            .as((id, size, seed) -> new Frame.Response(id, bytes(size, seed)));
        return Arbitraries.oneOf(requests, responses);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
