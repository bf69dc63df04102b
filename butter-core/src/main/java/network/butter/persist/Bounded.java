package network.butter.persist;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs tasks with at most a given number in flight: the blocks of a large put or read go out in parallel, but a
 * gigabyte of content does not queue thousands of requests behind each peer's in-flight limit at once.
 * Used on the node loop.
 */
final class Bounded {

    private Bounded() {
    }

    /**
     * Starts {@code task} for the first {@code inFlight} items, and for the next item each time one finishes.
     *
     * @return one future per item, in order
     */
    static <T, R> List<CompletableFuture<R>> run(List<T> items, int inFlight, Function<T, CompletableFuture<R>> task) {
        List<CompletableFuture<R>> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        int[] next = {0};
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int index = next[0]++;
            if (index >= items.size()) {
                return;
            }
            CompletableFuture<R> started;
            try {
                started = task.apply(items.get(index));
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, error) -> {
                if (error != null) {
                    results.get(index).completeExceptionally(PcgNode.unwrap(error));
                } else {
                    results.get(index).complete(value);
                }
                startNext[0].run();
            });
        };
        for (int i = 0; i < Math.min(inFlight, items.size()); i++) {
            startNext[0].run();
        }
        return results;
    }
}
