package network.butter.node.env;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timers on a Netty event loop that fire on a shared grid of {@value #GRID_MS} ms ticks, never earlier than asked.
 *
 * <p>Why: many nodes share one event loop, each with its heartbeats, request deadlines and connection checks, so an
 * idle loop of 100 nodes had a timer due every fraction of a millisecond. Netty's NIO selector sleeps for whole
 * milliseconds, rounded to the nearest, and polls without sleeping while the next deadline is less than half a
 * millisecond away: every distinct deadline cost up to half a millisecond of polling, and 200 idle nodes in one JVM
 * made 56,000 {@code epoll_wait} calls a second. Rounding each deadline up to the next point of the grid (points that
 * are the same for every timer in the JVM) lets the timers of all nodes on a loop fire together, at most
 * {@code 1000 / GRID_MS} wake-ups a second. A timer is at most {@value #GRID_MS} ms late, which nothing in Butter
 * measures that finely: its shortest protocol timers are hundreds of milliseconds.
 */
public final class TimerGrid {

    /** The spacing of the grid, in milliseconds. */
    public static final long GRID_MS = 10;

    private static final long GRID_NANOS = TimeUnit.MILLISECONDS.toNanos(GRID_MS);

    private TimerGrid() {
    }

    /**
     * Runs {@code task} on {@code loop} at the first grid point at least {@code delayMs} from now.
     *
     * @param delayMs the least delay, in milliseconds; zero or less runs the task at the next grid point
     * @return the task's future, to cancel it
     */
    public static ScheduledFuture<?> schedule(EventExecutor loop, long delayMs, Runnable task) {
        long now = System.nanoTime();
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMs));
        return loop.schedule(task, nextPointDelayNanos(now, delayNanos), TimeUnit.NANOSECONDS);
    }

    /**
     * How long from {@code nowNanos} (on {@link System#nanoTime()}'s clock) to the first grid point at least
     * {@code delayNanos} away, in nanoseconds.
     */
    static long nextPointDelayNanos(long nowNanos, long delayNanos) {
        long earliest = nowNanos + delayNanos;
        long point = Math.floorDiv(earliest, GRID_NANOS) * GRID_NANOS;
        return (point < earliest ? point + GRID_NANOS : point) - nowNanos;
    }
}
