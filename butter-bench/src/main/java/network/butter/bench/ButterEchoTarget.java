package network.butter.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;

/**
 * Butter under test: two real nodes on 127.0.0.1, the server answering route {@value #ROUTE} with the request
 * payload, the client calling it through the public asynchronous API. Both nodes run on a two-thread event
 * loop group of their own, one loop each, just like the baseline's server and client.
 *
 * <p>Like the baseline, whose echo and whose client's next request run on their event loops, Butter's echo is a
 * route opted in to run on the loop ({@link ButterNode#handleOnLoop}) and the client sends with
 * {@link ButterNode#requestOnLoop}, so its next request goes out from the loop. With {@code virtualThreads} it uses
 * the default API instead: the handler on a virtual thread, the answer completing a future whose callback runs on
 * another one; what that costs is the difference between the two.
 */
final class ButterEchoTarget implements EchoTarget {

    /** The echo route. */
    static final String ROUTE = "bench/echo";
    /** Per-request timeout; far above any healthy latency, it only bounds a hang. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Name prefix of the event loop threads of Butter's two nodes. */
    private static final String THREAD_PREFIX = "butter-bench";
    /** Name prefix of the carrier threads of virtual threads (the JDK's default scheduler); only Butter uses them. */
    private static final String CARRIER_PREFIX = "ForkJoinPool-";

    private final EventLoopGroup group;
    private final ButterNode server;
    private final ButterNode client;
    private final PeerAddress serverAddress;
    private final boolean virtualThreads;

    private ButterEchoTarget(EventLoopGroup group, ButterNode server, ButterNode client, boolean virtualThreads) {
        this.group = group;
        this.server = server;
        this.client = client;
        this.serverAddress = server.address();
        this.virtualThreads = virtualThreads;
    }

    /**
     * Starts both nodes with the default limits, raised only where {@code maxConcurrency} needs it so that
     * the benchmark never runs into a per-peer limit instead of measuring.
     *
     * @param virtualThreads whether to serve and call through the default API (handler and callbacks on virtual
     *                       threads) rather than on the event loops
     */
    static ButterEchoTarget start(int maxConcurrency, boolean virtualThreads) {
        Limits defaults = Limits.defaults();
        Limits limits = defaults
            .withMaxInFlightPerPeer(Math.max(defaults.maxInFlightPerPeer(), maxConcurrency))
            .withMaxConcurrentHandlers(Math.max(defaults.maxConcurrentHandlers(), maxConcurrency));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory(THREAD_PREFIX, true),
            NioIoHandler.newFactory());
        ButterNode server = null;
        try {
            // Started in this order, the round-robin group puts the server on one loop and the client on the other.
            server = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).limits(limits).eventLoopGroup(group));
            if (virtualThreads) {
                server.handle(ROUTE, request -> Reply.of(request.payload()));
            } else {
                server.handleOnLoop(ROUTE, request -> Reply.of(request.payload()));
            }
            server.start();
            ButterNode client = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).limits(limits).eventLoopGroup(group))
                .start();
            return new ButterEchoTarget(group, server, client, virtualThreads);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public String name() {
        return "butter";
    }

    @Override
    public long cpuNanos() {
        return ThreadCpu.nanos(THREAD_PREFIX, CARRIER_PREFIX);
    }

    @Override
    public long allocatedBytes() {
        return ThreadCpu.allocatedBytes(THREAD_PREFIX, CARRIER_PREFIX);
    }

    @Override
    public void call(int slot, byte[] payload, Completion done) {
        try {
            if (virtualThreads) {
                client.request(serverAddress, ROUTE, payload, REQUEST_TIMEOUT)
                    .whenComplete((reply, error) -> check(payload, reply, error, done));
            } else {
                client.requestOnLoop(serverAddress, ROUTE, payload, REQUEST_TIMEOUT,
                    (reply, error) -> check(payload, reply, error, done));
            }
        } catch (RuntimeException e) {
            done.done(e);
        }
    }

    private static void check(byte[] payload, Reply reply, Throwable error, Completion done) {
        if (error != null) {
            done.done(error);
        } else if (reply.payload().length != payload.length) {
            done.done(new IllegalStateException("echo of " + payload.length + " bytes came back with "
                + reply.payload().length));
        } else {
            done.done(null);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
            server.close();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
