package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/** The transport's own frames on the wire: round trips through the real pipeline handlers, and refusals. */
class LinkCodecTest {

    private static final SecureRandom ENTROPY = new SecureRandom();
    private static final PeerId PEER = NodeIdentity.generate(ENTROPY).peerId();
    private static final PeerId RELAY = NodeIdentity.generate(ENTROPY).peerId();

    @Test
    void shouldCarryEveryLinkFrameThroughTheEncoderAndDecoderUnchanged() {
        List<LinkFrame> frames = List.of(
            new LinkFrame.Advertise(new PeerAddress(PEER, "192.0.2.1", 7000)),
            new LinkFrame.Advertise(PeerAddress.relayed(PEER, new PeerAddress(RELAY, "198.51.100.2", 7001))),
            new LinkFrame.CircuitConnect(2, PEER),
            new LinkFrame.CircuitIncoming(0xFFFF_FFFF, PEER),
            new LinkFrame.CircuitAccept(7),
            new LinkFrame.CircuitData(9, new byte[] {1, 2, 3}),
            new LinkFrame.CircuitData(9, new byte[0]),
            new LinkFrame.CircuitClose(4, ErrorCode.OVERLOADED, "the circuit reached its limit of 20000 bytes"));
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES)));
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES)));

        for (LinkFrame frame : frames) {
            out.writeOutbound(frame);
            in.writeInbound((ByteBuf) out.readOutbound());
            assertThat((Object) in.readInbound()).isEqualTo(frame);
        }
    }

    @Test
    void shouldEncodeCircuitConnectAsDocumented() {
        byte[] id = PEER.toBytes();

        byte[] encoded = LinkCodec.encode(new LinkFrame.CircuitConnect(2, PEER));

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo("11" + "00000002" + HexFormat.of().formatHex(id));
    }

    @Test
    void shouldEncodeAdvertiseAsDocumented() {
        EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES)));

        out.writeOutbound(new LinkFrame.Advertise(new PeerAddress(PEER, "192.0.2.1", 7000)));

        ByteBuf encoded = out.readOutbound();
        assertThat(io.netty.buffer.ByteBufUtil.hexDump(encoded)).isEqualTo("0000002e" + "10"
            + HexFormat.of().formatHex(PEER.toBytes()) + "0009" + "3139322e302e322e31" + "1b58");
        encoded.release();
    }

    @Test
    void shouldRefuseATruncatedCircuitFrameWithAPreciseError() {
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, LinkFrame.CIRCUIT_DATA, 0, 1});
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES)));

        assertThatThrownBy(() -> in.writeInbound(truncated)).isInstanceOf(DecoderException.class)
            .cause().isInstanceOf(WireFormatException.class).hasMessageContaining("CIRCUIT_DATA");
    }

    @Test
    void shouldRefuseAnUnknownTypeAboveTheLinkFrames() {
        ByteBuf unknown = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x3F});
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(new FrameCodec(FrameCodec.MIN_MAX_FRAME_BYTES)));

        assertThatThrownBy(() -> in.writeInbound(unknown)).isInstanceOf(DecoderException.class)
            .cause().isInstanceOf(WireFormatException.class).hasMessageContaining("unknown frame type 0x3f");
    }
}
