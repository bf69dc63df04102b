package network.butter.testbed;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Time for clusters that run on the wall clock (real nodes in this JVM or in other processes): unlike the simulator
 * they cannot jump ahead, so advancing means sleeping and waiting means blocking, each with the same errors.
 */
public final class WallTime {

    private WallTime() {
    }

    /**
     * Sleeps {@code waitMs} (nothing if it is not positive); an interrupt ends the wait with an exception, the
     * thread's interrupt flag set again.
     */
    public static void sleep(long waitMs) {
        if (waitMs <= 0) {
            return;
        }
        try {
            Thread.sleep(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the cluster was running", e);
        }
    }

    /**
     * Waits for {@code future} at most {@code limit}: its value, its failure as a {@link CompletionException}, or an
     * {@link IllegalStateException} naming the limit.
     */
    public static <T> T await(CompletableFuture<T> future, Duration limit) {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not done within " + limit, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
