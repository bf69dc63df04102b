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
 */
final class ButterEchoTarget implements EchoTarget {

    /** The echo route. */
    static final String ROUTE = "bench/echo";
    /** Per-request timeout; far above any healthy latency, it only bounds a hang. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final ButterNode server;
    private final ButterNode client;
    private final PeerAddress serverAddress;

    private ButterEchoTarget(EventLoopGroup group, ButterNode server, ButterNode client) {
        this.group = group;
        this.server = server;
        this.client = client;
        this.serverAddress = server.address();
    }

    /**
     * Starts both nodes with the default limits, raised only where {@code maxConcurrency} needs it so that
     * the benchmark never runs into a per-peer limit instead of measuring.
     */
    static ButterEchoTarget start(int maxConcurrency) {
        Limits defaults = Limits.defaults();
        Limits limits = defaults
            .withMaxInFlightPerPeer(Math.max(defaults.maxInFlightPerPeer(), maxConcurrency))
            .withMaxConcurrentHandlers(Math.max(defaults.maxConcurrentHandlers(), maxConcurrency));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("butter-bench", true),
            NioIoHandler.newFactory());
        ButterNode server = null;
        try {
            // Started in this order, the round-robin group puts the server on one loop and the client on the other.
            server = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).limits(limits).eventLoopGroup(group))
                .handle(ROUTE, request -> Reply.of(request.payload()))
                .start();
            ButterNode client = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).limits(limits).eventLoopGroup(group))
                .start();
            return new ButterEchoTarget(group, server, client);
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
    public void call(int slot, byte[] payload, Completion done) {
        try {
            client.request(serverAddress, ROUTE, payload, REQUEST_TIMEOUT).whenComplete((reply, error) -> {
                if (error != null) {
                    done.done(error);
                } else if (reply.payload().length != payload.length) {
                    done.done(new IllegalStateException("echo of " + payload.length + " bytes came back with "
                        + reply.payload().length));
                } else {
                    done.done(null);
                }
            });
        } catch (RuntimeException e) {
            done.done(e);
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
