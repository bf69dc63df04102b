package network.butter.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;

/**
 * Cuts the byte stream into frames and decodes them with {@link FrameCodec}, or with {@link LinkCodec} for the
 * transport's own frames (type {@code 0x10} and up). The length is checked against
 * the maximum before a frame is buffered, so a hostile length prefix costs nothing; after the first bad
 * frame everything else on the connection is discarded while it closes.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final FrameCodec codec;
    private boolean failed;
    private long lastBytesNanos = System.nanoTime();

    /** @param codec the codec, which also sets the maximum frame size */
    public FrameDecoder(FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastBytesNanos = System.nanoTime();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws WireFormatException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < FrameCodec.LENGTH_FIELD_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        try {
            codec.checkLength(length);
            if (in.readableBytes() < FrameCodec.LENGTH_FIELD_BYTES + length) {
                return;
            }
            in.skipBytes(FrameCodec.LENGTH_FIELD_BYTES);
            int start = in.readerIndex();
            if (in.getUnsignedByte(start) >= LinkFrame.FIRST_TYPE) {
                out.add(LinkCodec.decode(in.readSlice((int) length)));
            } else {
                out.add(codec.decode(view(in, start, (int) length)));
                in.skipBytes((int) length);
            }
        } catch (WireFormatException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /**
     * The frame's bytes in place, for the codec, which reads them and keeps none: the buffer's own reusable NIO view
     * when it has one (the cumulation buffer's serves every frame of a read, where a sliced buffer and a fresh view per
     * frame were a third of the bytes a request allocated), else a new view.
     */
    private static ByteBuffer view(ByteBuf in, int start, int length) {
        return in.nioBufferCount() == 1 ? in.internalNioBuffer(start, length) : in.nioBuffer(start, length);
    }

    /** How long no bytes have arrived, in milliseconds: while a frame is only partly here, how long it has stalled. */
    long silentMs() {
        return (System.nanoTime() - lastBytesNanos) / 1_000_000;
    }

    /** Whether part of a frame has arrived and the rest has not: a stalled sender if it stays so. */
    boolean hasPartialFrame() {
        return !failed && actualReadableBytes() > 0;
    }
}
