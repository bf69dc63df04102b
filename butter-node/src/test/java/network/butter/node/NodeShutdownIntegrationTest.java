package network.butter.node;

import static network.butter.node.LocalNodes.failureOf;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import network.butter.api.NodeClosedException;
import network.butter.api.PeerUnreachableException;
import network.butter.api.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Graceful shutdown between real nodes: what is in flight drains within the grace period, nothing new is
 * taken on, an expired grace period fails the waiting callers precisely (and stops the handlers), and closing
 * is idempotent.
 */
class NodeShutdownIntegrationTest {

    private static final String BLOCK = "test/block";
    private static final String ECHO = "test/echo";
    /** Long enough that the drain, not the grace period, is what ends a graceful shutdown. */
    private static final Duration LONG_GRACE = Duration.ofSeconds(5);
    private static final Duration SHORT_GRACE = Duration.ofMillis(300);
    /** A caller timeout well above the grace periods, so a caller never fails by its own timeout here. */
    private static final Duration CALLER_TIMEOUT = Duration.ofSeconds(8);

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();
    private final BlockingHandler blocking = new BlockingHandler();

    @AfterEach
    void releaseBlockedHandlers() {
        blocking.release();
    }

    @Test
    void shouldDeliverTheInFlightReplyAndRefuseNewRequestsWhileDraining() throws Exception {
        ButterNode server = nodes.start().handle(BLOCK, blocking);
        ButterNode client = nodes.start();
        ButterNode latecomer = nodes.start();
        BlockingHandler behaviour = new BlockingHandler();
        server.spawn("test/behaviour", behaviour);
        CompletableFuture<Reply> inFlight = client.request(server.address(), BLOCK, new byte[0], CALLER_TIMEOUT);
        blocking.awaitEntered();
        behaviour.awaitEntered();

        CompletableFuture<Void> shutdown = server.shutdown(LONG_GRACE);
        // Stopping its behaviours is the first public sign that the node is draining: only from then on is a
        // request arriving from another node sure to find it draining (shutdown() itself returns at once).
        behaviour.awaitInterrupted();
        Throwable knownCallerRefused = failureOf(client.request(server.address(), BLOCK, new byte[0]));
        Throwable newCallerRefused = failureOf(latecomer.request(server.address(), BLOCK, new byte[0]));

        assertThat(knownCallerRefused).isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("shutting down");
        assertThat(newCallerRefused).isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("shutting down");
        assertThat(shutdown).as("still draining the request in flight").isNotDone();

        blocking.release();

        assertThat(resultOf(inFlight).text()).isEqualTo(BlockingHandler.RELEASED);
        resultOf(shutdown);
        assertThat(blocking.calls()).isEqualTo(1);
        assertThat(failureOf(client.request(server.address(), BLOCK, new byte[0])))
            .as("a closed node is unreachable").isInstanceOf(PeerUnreachableException.class);
    }

    @Test
    void shouldFailWaitingCallersCleanlyWhenTheGracePeriodExpires() throws Exception {
        BlockingHandler downstreamHandler = new BlockingHandler();
        ButterNode downstream = nodes.start()
            .handle(BLOCK, downstreamHandler)
            .handle(ECHO, req -> Reply.of(req.payload()));
        ButterNode server = nodes.start().handle(BLOCK, blocking);
        ButterNode client = nodes.start();
        CompletableFuture<Reply> served = client.request(server.address(), BLOCK, new byte[0], CALLER_TIMEOUT);
        CompletableFuture<Reply> awaited = server.request(downstream.address(), BLOCK, new byte[0], CALLER_TIMEOUT);
        blocking.awaitEntered();
        downstreamHandler.awaitEntered();

        CompletableFuture<Void> shutdown = server.shutdown(SHORT_GRACE);

        assertThat(failureOf(served)).as("the caller of a handler that did not finish")
            .isInstanceOf(PeerUnreachableException.class)
            .hasMessageContaining("shutting down")
            .hasMessageContaining("before the handler finished");
        assertThat(failureOf(awaited)).as("the closing node's own request that got no answer")
            .isInstanceOf(NodeClosedException.class)
            .hasMessageContaining("before an answer arrived");
        resultOf(shutdown);
        blocking.awaitInterrupted();
        downstreamHandler.awaitInterrupted();
        assertThat(resultOf(client.request(downstream.address(), ECHO, "still here")).text())
            .as("the peer of the closed node keeps serving").isEqualTo("still here");
    }

    @Test
    void shouldTreatRepeatedShutdownAndCloseAsHarmless() throws Exception {
        ButterNode node = nodes.start();
        ButterNode peer = nodes.start().handle(ECHO, req -> Reply.of(req.payload()));

        CompletableFuture<Void> first = node.shutdown(LONG_GRACE);

        assertThat(node.shutdown(Duration.ofMillis(1))).isSameAs(first);
        node.close();
        node.close();
        assertThat(failureOf(node.request(peer.address(), ECHO, "anyone?")))
            .as("a closed node stays closed").isInstanceOf(NodeClosedException.class);
    }

    @Test
    void shouldCloseANodeThatNeverStartedWithoutComplaint() {
        ButterNode never = Butter.node(cfg -> cfg.host("127.0.0.1"));

        never.close();

        assertThat(never.started()).isFalse();
    }
}
