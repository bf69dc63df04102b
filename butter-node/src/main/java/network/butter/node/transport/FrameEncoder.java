package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;

/** Encodes frames with {@link FrameCodec} straight into a buffer of exactly the right size. */
public final class FrameEncoder extends MessageToByteEncoder<Frame> {

    private final FrameCodec codec;

    /** @param codec the codec; frames above its maximum are refused */
    public FrameEncoder(FrameCodec codec) {
        super(Frame.class);
        this.codec = codec;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        return ctx.alloc().ioBuffer(FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(frame));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws FrameTooLargeException {
        int size = FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(frame);
        out.ensureWritable(size);
        ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
        codec.encode(frame, target);
        out.writerIndex(out.writerIndex() + size);
    }
}
