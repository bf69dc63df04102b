package network.butter.node;

import static network.butter.node.LocalNodes.WAIT;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.api.RequestHandler;
import network.butter.identity.PeerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How connections between real nodes come and go: an idle one closes by itself and the next request dials
 * anew; two nodes dialling each other at the same moment both succeed; connecting to a bare address learns
 * who is there, and requests sent meanwhile are all answered.
 */
class ConnectionLifecycleIntegrationTest {

    private static final String CONNECTION_LOGGER = "network.butter.node.transport.Connection";
    private static final String ECHO = "test/echo";
    private static final int SIMULTANEOUS_ROUNDS = 5;
    private static final int REQUESTS_EACH_WAY = 20;
    /** Fresh node pairs racing a connect() against requests; the race went wrong in about one pair in seven. */
    private static final int CONNECT_RACE_ROUNDS = 25;
    /** Short enough that a lost answer fails a test fast, long enough for a loaded machine. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldCloseAnIdleConnectionAndDialAgainWhenNeeded() throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (CapturedLogs logs = CapturedLogs.of(CONNECTION_LOGGER, Level.DEBUG, true)) {
            Limits idleAfterOneSecond = Limits.defaults().withIdleTimeout(Duration.ofSeconds(1));
            ButterNode server = nodes.start(cfg -> cfg.limits(idleAfterOneSecond).eventLoopGroup(loop))
                .handle(ECHO, echo());
            ButterNode client = nodes.start(cfg -> cfg.limits(idleAfterOneSecond).eventLoopGroup(loop));

            assertThat(resultOf(client.request(server.address(), ECHO, "first")).text()).isEqualTo("first");
            await().atMost(WAIT).until(() -> idleClosesSeenByBoth(logs, client, server) == 1);
            awaitQuiet(loop);

            assertThat(resultOf(client.request(server.address(), ECHO, "second")).text()).isEqualTo("second");
            await("the second request went over a new connection, which idled out in turn").atMost(WAIT)
                .until(() -> idleClosesSeenByBoth(logs, client, server) == 2);
            nodes.close(); // while their event loop still runs
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shouldAnswerEveryRequestWhenTwoNodesDialEachOtherAtOnce() throws Exception {
        try (CapturedLogs warnings = CapturedLogs.of("network.butter", Level.WARN, false);
             ExecutorService callers = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < SIMULTANEOUS_ROUNDS; round++) {
                ButterNode left = nodes.start().handle(ECHO, echo());
                ButterNode right = nodes.start().handle(ECHO, echo());
                CyclicBarrier together = new CyclicBarrier(2);

                Future<List<CompletableFuture<Reply>>> fromLeft = callers.submit(() -> fire(together, left, right));
                Future<List<CompletableFuture<Reply>>> fromRight = callers.submit(() -> fire(together, right, left));

                assertAllEchoed(fromLeft.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "left to right, round " + round);
                assertAllEchoed(fromRight.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "right to left, round " + round);
            }
            nodes.close();
            assertThat(warnings.atLeast(Level.WARN)).isEmpty();
        }
    }

    @Test
    void shouldAnswerEveryRequestSentWhileConnectingToTheSameAddress() throws Exception {
        for (int round = 0; round < CONNECT_RACE_ROUNDS; round++) {
            try (LocalNodes pair = new LocalNodes()) {
                ButterNode server = pair.start().handle(ECHO, echo());
                ButterNode client = pair.start();

                CompletableFuture<PeerAddress> connected = client.connect(server.address().hostPort());
                List<CompletableFuture<Reply>> replies = new ArrayList<>(send(client, server, 0));
                CompletableFuture<PeerAddress> connectedAgain = client.connect(server.address().hostPort());
                replies.addAll(send(client, server, REQUESTS_EACH_WAY));

                assertAllEchoed(replies, "round " + round);
                assertThat(resultOf(connected)).isEqualTo(server.address());
                assertThat(resultOf(connectedAgain)).isEqualTo(server.address());
            }
        }
    }

    @Test
    void shouldLearnThePeerIdWhenConnectingToABareAddress() throws Exception {
        ButterNode server = nodes.start().handle(ECHO, echo());
        ButterNode client = nodes.start();

        PeerAddress learned = resultOf(client.connect(server.address().hostPort()));

        assertThat(learned).isEqualTo(server.address());
        assertThat(resultOf(client.request(learned, ECHO, "hello")).text()).isEqualTo("hello");
    }

    private static RequestHandler echo() {
        return req -> Reply.of(req.payload());
    }

    /** Waits at a barrier with the other caller, then fires every request at once without waiting for answers. */
    private static List<CompletableFuture<Reply>> fire(CyclicBarrier together, ButterNode from, ButterNode to)
        throws Exception {
        together.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return send(from, to, 0);
    }

    /** Sends {@link #REQUESTS_EACH_WAY} echo requests numbered from {@code firstIndex}, without waiting. */
    private static List<CompletableFuture<Reply>> send(ButterNode from, ButterNode to, int firstIndex) {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = firstIndex; i < firstIndex + REQUESTS_EACH_WAY; i++) {
            replies.add(from.request(to.address(), ECHO, ("request " + i).getBytes(StandardCharsets.UTF_8),
                REQUEST_TIMEOUT));
        }
        return replies;
    }

    /** Checks that request {@code i} of the list, in order, was answered with its own text. */
    private static void assertAllEchoed(List<CompletableFuture<Reply>> replies, String what) throws Exception {
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i)).as("%s, request %d", what, i)
                .succeedsWithin(WAIT)
                .extracting(Reply::text)
                .isEqualTo("request " + i);
        }
    }

    /**
     * How many connections between the two nodes have closed for idleness with both ends logging it: the end
     * that closes and the end that is told each log a line naming the other end, and mentioning idleness.
     */
    private static long idleClosesSeenByBoth(CapturedLogs logs, ButterNode client, ButterNode server) {
        long seenByClient = logs.count("connection idle", server.address().toString());
        long seenByServer = logs.count("connection idle", client.address().toString());
        return Math.min(seenByClient, seenByServer);
    }

    /**
     * Waits until {@code group}'s single loop has run every queued task, including tasks those tasks queue.
     * A channel reports its close to its handlers in tasks queued after the close is logged, so this makes sure
     * the nodes have also forgotten the closed connection.
     */
    private static void awaitQuiet(EventLoopGroup group) throws Exception {
        SingleThreadEventExecutor loop = (SingleThreadEventExecutor) group.next();
        CompletableFuture<Void> quiet = new CompletableFuture<>();
        loop.execute(new Runnable() {
            @Override
            public void run() {
                if (loop.pendingTasks() == 0) {
                    quiet.complete(null);
                } else {
                    loop.execute(this);
                }
            }
        });
        quiet.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
