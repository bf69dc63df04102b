package network.butter.persist;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs application callbacks off the node loop one at a time, in the order they were submitted: the application
 * executor starts each task on its own thread, which alone would let progress reports overtake each other.
 * Safe from any thread.
 */
final class OrderedCallbacks {

    private static final Logger log = LoggerFactory.getLogger(OrderedCallbacks.class);

    private final Executor executor;
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private boolean draining;

    OrderedCallbacks(Executor executor) {
        this.executor = executor;
    }

    void run(Runnable callback) {
        synchronized (pending) {
            pending.add(callback);
            if (draining) {
                return;
            }
            draining = true;
        }
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (pending) {
                next = pending.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                log.warn("an application callback failed", e);
            }
        }
    }
}
