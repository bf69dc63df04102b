package network.butter.node;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops all nodes of a process share unless configured otherwise: one thread per core, daemon
 * threads so they never keep the JVM alive. Each node is pinned to one loop, so a thousand nodes in one
 * JVM cost a handful of threads.
 */
final class SharedEventLoops {

    private SharedEventLoops() {
    }

    private static final class Holder {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(),
            new DefaultThreadFactory("butter-loop", true),
            NioIoHandler.newFactory());
    }

    static EventLoopGroup group() {
        return Holder.GROUP;
    }
}
