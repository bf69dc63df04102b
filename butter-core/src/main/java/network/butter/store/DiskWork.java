package network.butter.store;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where a node's chunk-store work runs. A disk write with its fsync can take a long time (milliseconds on a good
 * disk, hundreds on a slow or busy one), and a real node's loop is a Netty event loop that several nodes may share:
 * run there, one slow write would stall the networking of every node on it. A real node therefore runs the work on
 * a bounded queue of its own and hands the result back to the node loop; the simulator and in-memory stores run it
 * {@link #inline() at once}, which keeps a simulated run deterministic.
 *
 * <p>Implementations run the work of one node in the order it was given, so a write followed by a removal of the
 * same chunk leaves it removed.
 */
public interface DiskWork {

    /**
     * Runs {@code work} and completes the returned future with its result (or its failure) on {@code completeOn}.
     * Never blocks the caller.
     *
     * @param what       what the work does, for error messages ("store chunk ab12…")
     * @param completeOn where the future completes: the node loop, so continuations may touch protocol state
     * @return the result; failed with {@link StoreBusyException} at once when the queue is full
     */
    <T> CompletableFuture<T> run(String what, Callable<T> work, Executor completeOn);

    /**
     * Like {@link #run}, in the same order, but never refused as busy: for the small writes that must happen once
     * their cause was accepted (a group's record, a removal). Bounded by what causes them: a node keeps a bounded
     * number of groups and tombstones.
     */
    default <T> CompletableFuture<T> runBehind(String what, Callable<T> work, Executor completeOn) {
        return run(what, work, completeOn);
    }

    /**
     * Runs the work at once on the caller's thread: for in-memory stores, the simulator (where the result then
     * stands at the same virtual instant) and for measuring the old, synchronous behaviour.
     */
    static DiskWork inline() {
        return Inline.INSTANCE;
    }

    /** The work done on the spot; see {@link #inline()}. */
    final class Inline implements DiskWork {
        private static final Inline INSTANCE = new Inline();

        private Inline() {
        }

        @Override
        public <T> CompletableFuture<T> run(String what, Callable<T> work, Executor completeOn) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
