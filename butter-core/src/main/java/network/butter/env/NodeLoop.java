package network.butter.env;

import java.util.concurrent.Executor;

/**
 * The single logical thread that owns a node's protocol state, with its clock and timers.
 *
 * <p>All protocol code of one node runs on its loop, one task at a time, so it needs no locks. On a real
 * node the loop is a Netty event loop (shared by many nodes, each pinned to one); in the simulator it is a
 * slot in the global event queue, advanced in virtual time. Protocol code reads time and sets timers only
 * here, which is what lets the simulator replay a run exactly.
 */
public interface NodeLoop extends Executor {

    /**
     * Milliseconds on this loop's monotonic clock. Only differences are meaningful; the origin is arbitrary
     * (virtual time starts at 0 in the simulator).
     */
    long nowMillis();

    /**
     * Runs {@code task} on this loop after {@code delayMs} milliseconds.
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(long delayMs, Runnable task);

    /**
     * Runs {@code task} on this loop as soon as possible. Safe to call from any thread; tasks submitted from
     * one thread run in submission order.
     */
    @Override
    void execute(Runnable task);

    /** Whether the calling thread is this loop, i.e. may touch the node's protocol state directly. */
    boolean inLoop();
}
