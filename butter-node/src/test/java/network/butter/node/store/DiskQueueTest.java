package network.butter.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import network.butter.store.StoreBusyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskQueueTest {

    private static final long WAIT_MS = 10_000;

    private final DiskQueue queue = new DiskQueue("butter-disk-test", 2);
    private final CountDownLatch open = new CountDownLatch(1);

    @AfterEach
    void drain() throws Exception {
        open.countDown();
        queue.close(WAIT_MS).get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private Boolean blockedWrite() throws InterruptedException {
        return open.await(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldRefuseWorkWithBusyWhenTheQueueIsFull() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Boolean> first = queue.run("write 1", () -> {
            running.countDown();
            return blockedWrite();
        }, Runnable::run);
        assertThat(running.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
        CompletableFuture<Boolean> second = queue.run("write 2", this::blockedWrite, Runnable::run);
        CompletableFuture<Boolean> third = queue.run("write 3", this::blockedWrite, Runnable::run);

        CompletableFuture<Boolean> fourth = queue.run("write 4", this::blockedWrite, Runnable::run);

        assertThatThrownBy(fourth::join).hasCauseInstanceOf(StoreBusyException.class)
            .hasMessageContaining("the disk is busy: 2 writes already wait (limit 2), cannot write 4 now");
        open.countDown();
        assertThat(List.of(first.get(WAIT_MS, TimeUnit.MILLISECONDS), second.get(WAIT_MS, TimeUnit.MILLISECONDS),
            third.get(WAIT_MS, TimeUnit.MILLISECONDS))).containsOnly(true);
    }

    @Test
    void shouldNeverRefuseAGroupsRecordOrARemovalWhenChunkWritesFillTheQueue() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Boolean> first = queue.run("write 1", () -> {
            running.countDown();
            return blockedWrite();
        }, Runnable::run);
        assertThat(running.await(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
        queue.run("write 2", this::blockedWrite, Runnable::run);
        queue.run("write 3", this::blockedWrite, Runnable::run);
        assertThatThrownBy(queue.run("write 4", this::blockedWrite, Runnable::run)::join)
            .hasCauseInstanceOf(StoreBusyException.class);

        CompletableFuture<String> record = queue.runBehind("write a record", () -> "written", Runnable::run);

        open.countDown();
        assertThat(first.get(WAIT_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(record.get(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo("written");
    }

    @Test
    void shouldRunWorkInOrderAndCompleteItWhereTheCallerSays() throws Exception {
        List<Integer> ran = new ArrayList<>();
        List<Runnable> handedBack = new ArrayList<>();
        Executor loop = task -> {
            synchronized (handedBack) {
                handedBack.add(task);
            }
        };
        CompletableFuture<Integer> first = queue.run("write 1", () -> add(ran, 1), loop);
        CompletableFuture<Integer> second = queue.run("write 2", () -> add(ran, 2), loop);
        queue.close(WAIT_MS).get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertThat(ran).containsExactly(1, 2);
        assertThat(first).as("not completed until the loop runs the hand-back").isNotDone();
        handedBack.forEach(Runnable::run);
        assertThat(first.get()).isEqualTo(1);
        assertThat(second.get()).isEqualTo(2);
    }

    @Test
    void shouldFailTheFutureWithTheStoresErrorAndRefuseWorkOnceClosed() throws Exception {
        CompletableFuture<Boolean> failed = queue.run("write 1", () -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("no space left on device"));
        }, Runnable::run);
        assertThatThrownBy(() -> failed.get(WAIT_MS, TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class)
            .hasMessageContaining("no space left on device");

        queue.close(WAIT_MS).get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> queue.run("write 2", () -> true, Runnable::run).join())
            .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("the node is closed");
    }

    private static Integer add(List<Integer> ran, int value) {
        synchronized (ran) {
            ran.add(value);
        }
        return value;
    }
}
