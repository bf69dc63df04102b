package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Encodes the transport's own {@link LinkFrame}s with their length field; {@link FrameEncoder} does the rest. */
final class LinkFrameEncoder extends MessageToByteEncoder<LinkFrame> {

    LinkFrameEncoder() {
        super(LinkFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, LinkFrame frame, ByteBuf out) {
        byte[] body = LinkCodec.encode(frame);
        out.writeInt(body.length);
        out.writeBytes(body);
    }
}
