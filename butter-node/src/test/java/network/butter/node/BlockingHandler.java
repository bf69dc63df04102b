package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Behaviour;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.api.RequestHandler;

/**
 * A route handler (or background behaviour) that blocks until the test releases it, and records what
 * happened to it: that a call reached it, how many did, and whether the node interrupted it. Tests use it to
 * hold a request in flight for exactly as long as they need, without sleeping, and to observe when a node
 * stops its work.
 */
final class BlockingHandler implements RequestHandler, Behaviour {

    /** What a released handler answers. */
    static final String RELEASED = "released";

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Reply handle(Request request) throws InterruptedException {
        block();
        return Reply.text(RELEASED);
    }

    @Override
    public void run(Node node) throws InterruptedException {
        block();
    }

    private void block() throws InterruptedException {
        calls.incrementAndGet();
        entered.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }

    /** Lets every current and future call return {@link #RELEASED}. */
    void release() {
        release.countDown();
    }

    /** How many requests reached the handler. */
    int calls() {
        return calls.get();
    }

    /** Waits, bounded, until a call is inside the handler. */
    void awaitEntered() throws InterruptedException {
        assertThat(entered.await(LocalNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .as("a call reached the handler").isTrue();
    }

    /** Waits, bounded, until the node interrupted a call of the handler. */
    void awaitInterrupted() throws InterruptedException {
        assertThat(interrupted.await(LocalNodes.WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .as("the node interrupted the handler").isTrue();
    }
}
