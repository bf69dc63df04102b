package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;

/**
 * Encodes every frame a connection writes: the runtime's {@link Frame}s and the transport's own {@link LinkFrame}s,
 * each with its length field. One encoder for both, so that a write passes one pipeline step here rather than two.
 *
 * <p>Frames are encoded straight into a pooled buffer of exactly the right size. Requests and responses, nearly all the
 * traffic, are written with the buffer's own calls, which copy into it in place; a view of the buffer as an NIO
 * {@link ByteBuffer} for {@link FrameCodec} cost an object per frame. Their bytes are the codec's to the byte
 * ({@code FrameEncoderProperties} checks it); every other frame is encoded by the codec, and link frames by
 * {@link LinkCodec}.
 */
public final class FrameEncoder extends MessageToByteEncoder<Object> {

    private final FrameCodec codec;

    /** @param codec the codec; frames above its maximum are refused */
    public FrameEncoder(FrameCodec codec) {
        super(Object.class);
        this.codec = codec;
    }

    /** Takes {@link Frame}s and {@link LinkFrame}s; anything else passes on unchanged. */
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Frame || msg instanceof LinkFrame;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        return msg instanceof Frame frame ? ctx.alloc().ioBuffer(FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(frame))
            : ctx.alloc().ioBuffer();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) throws FrameTooLargeException {
        if (!(msg instanceof Frame frame)) {
            byte[] body = LinkCodec.encode((LinkFrame) msg);
            out.writeInt(body.length).writeBytes(body);
            return;
        }
        int length = codec.frameLength(frame);
        if (length <= codec.maxFrameBytes()) {
            if (frame instanceof Frame.Response r) {
                out.writeInt(length).writeByte(Frame.RESPONSE).writeInt(r.requestId()).writeBytes(r.payload());
                return;
            }
            if (frame instanceof Frame.Request r) {
                out.writeInt(length).writeByte(Frame.REQUEST).writeInt(r.requestId()).writeInt((int) r.timeoutMs())
                    .writeByte(r.route().length());
                out.writeCharSequence(r.route(), StandardCharsets.US_ASCII);
                out.writeBytes(r.payload());
                return;
            }
        }
        int size = FrameCodec.LENGTH_FIELD_BYTES + length;
        out.ensureWritable(size);
        ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
        codec.encode(frame, target);
        out.writerIndex(out.writerIndex() + size);
    }
}
