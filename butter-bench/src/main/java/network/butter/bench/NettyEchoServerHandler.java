package network.butter.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The baseline's server side: writes every frame back unchanged (request id and payload) and flushes once
 * per read batch, the idiomatic Netty echo. Framing is done by the pipeline's length-field codecs.
 */
final class NettyEchoServerHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        ctx.write(frame, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The client sees the closed connection and fails its requests, which the report shows.
        ctx.close();
    }
}
