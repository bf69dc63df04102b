package network.butter.node.store;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import network.butter.store.DiskWork;
import network.butter.store.StoreBusyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's chunk-store work off its event loop: one worker (a virtual thread, started when work arrives and gone
 * after a second idle) runs writes and fsyncs in the order given, and each result goes back to the node loop. Chunk
 * writes are bounded: when the disk falls {@code queueLimit} of them behind, a new one fails at once with
 * {@link StoreBusyException}, which the storage protocol answers as "busy", instead of piling up without bound.
 * Group records and removals ({@link #runBehind}) are never refused: they follow from something already accepted
 * and are as many as the node's bounded groups and tombstones.
 *
 * <p>Why one worker per node: the order of a node's writes and removals of one chunk must hold, and a disk gains
 * little from parallel fsyncs of one node; nodes sharing a loop each have their own queue, so one node's slow disk
 * delays only that node's writes.
 */
public final class DiskQueue implements DiskWork {

    private static final Logger log = LoggerFactory.getLogger(DiskQueue.class);
    /** Writes that may wait for the disk by default: 64 chunks of 1 MiB is 64 MiB in flight at most. */
    public static final int DEFAULT_QUEUE_LIMIT = 64;
    private static final long IDLE_MS = 1_000;

    private final ThreadPoolExecutor worker;
    private final int queueLimit;
    /** Chunk writes waiting for the worker: the work {@link #run} may refuse as busy. */
    private final AtomicInteger refusable = new AtomicInteger();

    /**
     * @param name       names the worker thread ("butter-disk-" and the node's short id)
     * @param queueLimit writes that may wait at once; more fail with {@link StoreBusyException}
     */
    public DiskQueue(String name, int queueLimit) {
        if (queueLimit < 1) {
            throw new IllegalArgumentException("queueLimit must be >= 1, got " + queueLimit);
        }
        this.queueLimit = queueLimit;
        this.worker = new ThreadPoolExecutor(1, 1, IDLE_MS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            Thread.ofVirtual().name(name).factory());
        worker.allowCoreThreadTimeOut(true);
    }

    @Override
    public <T> CompletableFuture<T> run(String what, Callable<T> work, Executor completeOn) {
        if (refusable.incrementAndGet() > queueLimit) {
            refusable.decrementAndGet();
            return CompletableFuture.failedFuture(worker.isShutdown()
                ? new IllegalStateException("the node is closed, cannot " + what)
                : new StoreBusyException(what, queueLimit, queueLimit));
        }
        return submit(what, work, completeOn, refusable::decrementAndGet);
    }

    /** Never refused as busy (see {@link DiskWork#runBehind}); still refused once the node is closed. */
    @Override
    public <T> CompletableFuture<T> runBehind(String what, Callable<T> work, Executor completeOn) {
        return submit(what, work, completeOn, () -> 0);
    }

    private <T> CompletableFuture<T> submit(String what, Callable<T> work, Executor completeOn, IntSupplier started) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                started.getAsInt();
                T value = null;
                Throwable failure = null;
                try {
                    value = work.call();
                } catch (Exception | Error e) {
                    failure = e;
                }
                handBack(result, value, failure, completeOn, what);
            });
        } catch (RejectedExecutionException e) {
            started.getAsInt();
            return CompletableFuture.failedFuture(new IllegalStateException("the node is closed, cannot " + what));
        }
        return result;
    }

    private static <T> void handBack(CompletableFuture<T> result, T value, Throwable failure, Executor completeOn, String what) {
        Runnable complete = failure == null ? () -> result.complete(value) : () -> result.completeExceptionally(failure);
        try {
            completeOn.execute(complete);
        } catch (RejectedExecutionException e) {
            log.debug("the node loop is gone; the result of '{}' is dropped", what);
        }
    }

    /** Writes waiting for the disk now. */
    public int queued() {
        return worker.getQueue().size();
    }

    /**
     * Takes no more work and completes once every write already given has run (at most {@code limitMs} later), so a
     * node's last group records reach the disk before its data directory is released. Never blocks the caller.
     */
    public CompletableFuture<Void> close(long limitMs) {
        worker.shutdown();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        Thread.ofVirtual().name("butter-disk-drain").start(() -> {
            try {
                if (!worker.awaitTermination(limitMs, TimeUnit.MILLISECONDS)) {
                    log.warn("{} chunk-store writes still waited after {} ms at close; they are dropped", queued(), limitMs);
                    worker.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drained.complete(null);
        });
        return drained;
    }
}
