package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BoundedTest {

    @Test
    void shouldKeepAtMostTheLimitInFlightAndStartTheNextAsEachFinishes() {
        List<CompletableFuture<Integer>> started = new ArrayList<>();
        List<Integer> items = IntStream.range(0, 10).boxed().toList();

        List<CompletableFuture<Integer>> results = Bounded.run(items, 3, item -> {
            CompletableFuture<Integer> task = new CompletableFuture<>();
            started.add(task);
            return task;
        });

        assertThat(started).hasSize(3);
        started.get(1).complete(10);
        assertThat(started).hasSize(4);
        assertThat(results.get(1)).isCompletedWithValue(10);
        started.get(0).completeExceptionally(new IllegalStateException("no room"));
        assertThat(started).hasSize(5);
        assertThat(results.get(0)).isCompletedExceptionally();
        for (int i = 2; i < 10; i++) {
            started.get(i).complete(i * 10);
        }
        assertThat(started).hasSize(10);
        assertThat(results.subList(2, 10)).allMatch(result -> result.isDone() && !result.isCompletedExceptionally());
    }

    @Test
    void shouldTurnATaskThatThrowsIntoAFailedResultAndGoOn() {
        List<CompletableFuture<String>> results = Bounded.run(List.of(1, 2, 3), 1, item -> {
            if (item == 2) {
                throw new IllegalArgumentException("bad item");
            }
            return CompletableFuture.completedFuture("ok " + item);
        });

        assertThat(results.get(0)).isCompletedWithValue("ok 1");
        assertThat(results.get(1)).isCompletedExceptionally();
        assertThat(results.get(2)).isCompletedWithValue("ok 3");
    }
}
