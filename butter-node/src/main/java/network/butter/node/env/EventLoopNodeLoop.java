package network.butter.node.env;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import network.butter.env.Cancellable;
import network.butter.env.NodeLoop;

/**
 * A node loop on a Netty event loop. The node's channels are registered on the same event loop, so frames
 * reach the protocol code without a thread hop, and many nodes in one JVM share a few threads. Timers fire on the
 * {@link TimerGrid}, so that the timers of all nodes on a loop wake it together.
 *
 * @param eventLoop the Netty event loop this node is pinned to
 */
public record EventLoopNodeLoop(EventLoop eventLoop) implements NodeLoop {

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        ScheduledFuture<?> future = TimerGrid.schedule(eventLoop, delayMs, task);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        eventLoop.execute(task);
    }

    @Override
    public boolean inLoop() {
        return eventLoop.inEventLoop();
    }
}
