package network.butter.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;

/**
 * The baseline's client side. Each request frame carries a 32-bit request id: the low 16 bits name the
 * driver's slot, the high 16 bits count that slot's requests, so a reply is matched to its request (and a
 * stray or duplicated reply detected) and its length checked without any allocation. Requests sent while a read is in progress
 * (the closed loop's "next request") are flushed once at the end of the read batch.
 *
 * <p>Everything runs on the channel's event loop.
 */
final class NettyEchoClientHandler extends ChannelInboundHandlerAdapter {

    /** Bytes of the request id at the start of every frame. */
    static final int REQUEST_ID_BYTES = 4;
    private static final int SLOT_BITS = 16;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    private final EchoTarget.Completion[] pending;
    private final int[] outstandingIds;
    private final int[] payloadLengths;
    private final int[] sequence;
    private ChannelHandlerContext ctx;
    private boolean reading;
    private boolean flushNeeded;
    private Throwable closedBecause;

    /** @param maxConcurrency the number of slots, at most {@link BenchOptions#MAX_CONCURRENCY} */
    NettyEchoClientHandler(int maxConcurrency) {
        pending = new EchoTarget.Completion[maxConcurrency];
        outstandingIds = new int[maxConcurrency];
        payloadLengths = new int[maxConcurrency];
        sequence = new int[maxConcurrency];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Sends one request; call on the event loop. */
    void send(int slot, byte[] payload, EchoTarget.Completion done) {
        if (closedBecause != null) {
            done.done(closedBecause);
            return;
        }
        if (pending[slot] != null) {
            done.done(new IllegalStateException("slot " + slot + " already has a request outstanding"));
            return;
        }
        int id = (++sequence[slot] << SLOT_BITS) | slot;
        outstandingIds[slot] = id;
        payloadLengths[slot] = payload.length;
        pending[slot] = done;
        ByteBuf frame = ctx.alloc().ioBuffer(REQUEST_ID_BYTES + payload.length);
        frame.writeInt(id).writeBytes(payload);
        if (reading) {
            ctx.write(frame, ctx.voidPromise());
            flushNeeded = true;
        } else {
            ctx.writeAndFlush(frame, ctx.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ByteBuf frame = (ByteBuf) msg;
        try {
            int id = frame.readInt();
            int slot = id & SLOT_MASK;
            if (slot >= pending.length || pending[slot] == null || outstandingIds[slot] != id) {
                closeWith(new IllegalStateException("reply with request id " + Integer.toHexString(id)
                    + " matches no outstanding request"));
                return;
            }
            EchoTarget.Completion done = pending[slot];
            pending[slot] = null;
            int length = frame.readableBytes();
            done.done(length == payloadLengths[slot] ? null : new IllegalStateException("echo of "
                + payloadLengths[slot] + " bytes came back with " + length));
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeWith(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failAll(new IOException("the baseline connection closed"));
        ctx.fireChannelInactive();
    }

    private void closeWith(Throwable cause) {
        failAll(cause);
        ctx.close();
    }

    private void failAll(Throwable cause) {
        if (closedBecause == null) {
            closedBecause = cause;
        }
        for (int slot = 0; slot < pending.length; slot++) {
            EchoTarget.Completion done = pending[slot];
            if (done != null) {
                pending[slot] = null;
                done.done(closedBecause);
            }
        }
    }
}
