package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import network.butter.api.Limits;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real nodes for one test, all on 127.0.0.1, and the bounded waits the integration tests share. Register it
 * with {@code @RegisterExtension final LocalNodes nodes = new LocalNodes();}: after each test it shuts every
 * node it started down, whatever the test did, so a failing test never leaks listening sockets into the next.
 */
final class LocalNodes implements AutoCloseable, AfterEachCallback {

    /** The longest any test waits for something on a real socket; generous, so a slow CI box is no failure. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Grace period when the fixture closes its nodes: short, since a test has already released what it held. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final List<ButterNode> started = new ArrayList<>();

    /** Starts a node with default limits. */
    ButterNode start() {
        return start(cfg -> { });
    }

    /** Starts a node with the given limits. */
    ButterNode start(Limits limits) {
        return start(cfg -> cfg.limits(limits));
    }

    /** Starts a node configured by {@code configure}, always bound to 127.0.0.1. */
    ButterNode start(Consumer<NodeConfig.Builder> configure) {
        ButterNode node = Butter.node(cfg -> {
            configure.accept(cfg);
            cfg.host("127.0.0.1");
        }).start();
        started.add(node);
        return node;
    }

    /**
     * Shuts every started node down at once and waits, bounded, for all of them.
     *
     * @throws ExecutionException if a shutdown failed
     * @throws TimeoutException   if the nodes did not all close within {@link #WAIT}
     */
    @Override
    public void close() throws ExecutionException, TimeoutException {
        CompletableFuture<?>[] shutdowns = started.stream()
            .map(node -> node.shutdown(CLOSE_GRACE))
            .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(shutdowns).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the test's nodes", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws ExecutionException, TimeoutException {
        close();
    }

    /** The value of {@code future}, waiting at most {@link #WAIT}. */
    static <T> T resultOf(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why {@code future} failed, waiting at most {@link #WAIT}; fails the test if it succeeded or hung. */
    static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
        try {
            Object value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure but got " + value);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isNotNull();
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("no outcome within " + WAIT);
        }
    }
}
