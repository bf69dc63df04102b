package network.butter.api;

import java.time.Duration;
import network.butter.wire.FrameCodec;

/**
 * The bounds that keep a node's memory and work finite. Build them from a memory budget with
 * {@link #forMemoryBudget(long)} and override single values with the {@code with…} methods.
 *
 * @param maxFrameBytes         the largest frame accepted or sent; caps one request or reply payload
 * @param maxConnections        open connections, inbound and outbound together
 * @param maxInFlightPerPeer    requests in flight to one peer, and handled for one peer, at a time
 * @param maxQueuedPerPeer      requests waiting locally for a free slot to one peer before callers are refused
 * @param maxConcurrentHandlers handlers running at once for all peers together
 * @param requestTimeout        default time a caller waits for an answer
 * @param maxHandlerTime        longest a handler may run, whatever the caller's timeout
 * @param idleTimeout           a connection with no traffic and nothing in flight for this long is closed
 * @param maxUnauthenticatedConnections inbound connections still in their TLS handshake or waiting for the peer's
 *                              HELLO, a budget of their own apart from {@code maxConnections}: when it is full the
 *                              oldest of them is closed to make room, so that half-open garbage can never keep an
 *                              honest newcomer out
 * @param maxUnauthenticatedPerIp unauthenticated inbound connections from one source address; more are refused at
 *                              once, so one host cannot flush everyone else's handshakes out of the budget
 * @param maxInboundPerIp       authenticated inbound connections from one source address; more are refused with
 *                              GOAWAY OVERLOADED, so one host with many throwaway keys cannot fill
 *                              {@code maxConnections}
 * @param handshakeTimeout      how long an inbound or outbound connection may take from TCP connect to the
 *                              peer's HELLO (TLS handshake included) before it is closed
 */
public record Limits(int maxFrameBytes, int maxConnections, int maxInFlightPerPeer, int maxQueuedPerPeer,
                     int maxConcurrentHandlers, Duration requestTimeout, Duration maxHandlerTime,
                     Duration idleTimeout, int maxUnauthenticatedConnections, int maxUnauthenticatedPerIp,
                     int maxInboundPerIp, Duration handshakeTimeout) {

    /** Memory budget used when none is given: 512 MiB. */
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 512L * 1024 * 1024;

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Checks every value is usable. */
    public Limits {
        if (maxFrameBytes < FrameCodec.MIN_MAX_FRAME_BYTES || maxFrameBytes > FrameCodec.MAX_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be " + FrameCodec.MIN_MAX_FRAME_BYTES + ".."
                + FrameCodec.MAX_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
        }
        requirePositive("maxConnections", maxConnections);
        requirePositive("maxInFlightPerPeer", maxInFlightPerPeer);
        requirePositive("maxConcurrentHandlers", maxConcurrentHandlers);
        if (maxQueuedPerPeer < 0) {
            throw new IllegalArgumentException("maxQueuedPerPeer must be >= 0, got " + maxQueuedPerPeer);
        }
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("maxHandlerTime", maxHandlerTime);
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("maxUnauthenticatedConnections", maxUnauthenticatedConnections);
        requirePositive("maxUnauthenticatedPerIp", maxUnauthenticatedPerIp);
        requirePositive("maxInboundPerIp", maxInboundPerIp);
        requirePositive("handshakeTimeout", handshakeTimeout);
    }

    /**
     * Derives limits from how much memory the operator grants the node.
     *
     * <p>A frame may use 1/512 of the budget (64 KiB to 16 MiB: 1 MiB at the default 512 MiB). Connections may
     * use a quarter of it, each counted at one frame plus 64 KiB of TLS and socket buffers. Handlers may
     * use another quarter, each counted at a request and a reply frame. The rest is for the data layers.
     *
     * <p>Connections not yet authenticated (TLS handshake or HELLO under way) hold no frame yet, only TLS and socket
     * buffers: they get 1/128 of the budget at 64 KiB each (64 at 512 MiB, 8 to 1024), a quarter of those per source
     * address (at least 2), and 5 s from connect to HELLO. One source address may hold a quarter of
     * {@code maxConnections} authenticated inbound connections (at least 2: 30 at 512 MiB). A quarter, not less: a
     * home or office behind one address, or a machine running many nodes, must not be refused in a burst of
     * handshakes; one host still cannot take more than a quarter of either budget.
     *
     * @param budgetBytes the memory budget, at least 16 MiB
     */
    public static Limits forMemoryBudget(long budgetBytes) {
        if (budgetBytes < 16 * MIB) {
            throw new IllegalArgumentException("a node needs a memory budget of at least 16 MiB, got " + budgetBytes + " bytes");
        }
        int frame = (int) clamp(budgetBytes / 512, 64 * KIB, 16 * MIB);
        int connections = (int) clamp(budgetBytes / 4 / (frame + 64 * KIB), 8, 4096);
        int handlers = (int) clamp(budgetBytes / 4 / (2L * frame), 64, 10_000);
        int unauthenticated = (int) clamp(budgetBytes / 128 / (64 * KIB), 8, 1024);
        return new Limits(frame, connections, Math.min(64, handlers), 1024, handlers,
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5),
            unauthenticated, Math.max(2, unauthenticated / 4), Math.max(2, connections / 4), Duration.ofSeconds(5));
    }

    /** The limits for {@link #DEFAULT_MEMORY_BUDGET_BYTES}. */
    public static Limits defaults() {
        return forMemoryBudget(DEFAULT_MEMORY_BUDGET_BYTES);
    }

    /** A copy with another maximum frame size. */
    public Limits withMaxFrameBytes(int value) {
        return new Limits(value, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another connection limit. */
    public Limits withMaxConnections(int value) {
        return new Limits(maxFrameBytes, value, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another per-peer in-flight limit. */
    public Limits withMaxInFlightPerPeer(int value) {
        return new Limits(maxFrameBytes, maxConnections, value, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another per-peer queue length. */
    public Limits withMaxQueuedPerPeer(int value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, value, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another limit on concurrent handlers. */
    public Limits withMaxConcurrentHandlers(int value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, value,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another default request timeout. */
    public Limits withRequestTimeout(Duration value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            value, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another handler deadline. */
    public Limits withMaxHandlerTime(Duration value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, value, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another idle timeout. */
    public Limits withIdleTimeout(Duration value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, value,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another budget for connections still in their handshake. */
    public Limits withMaxUnauthenticatedConnections(int value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            value, maxUnauthenticatedPerIp, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another limit on unauthenticated connections from one source address. */
    public Limits withMaxUnauthenticatedPerIp(int value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, value, maxInboundPerIp, handshakeTimeout);
    }

    /** A copy with another limit on authenticated inbound connections from one source address. */
    public Limits withMaxInboundPerIp(int value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, value, handshakeTimeout);
    }

    /** A copy with another deadline from TCP connect to the peer's HELLO. */
    public Limits withHandshakeTimeout(Duration value) {
        return new Limits(maxFrameBytes, maxConnections, maxInFlightPerPeer, maxQueuedPerPeer, maxConcurrentHandlers,
            requestTimeout, maxHandlerTime, idleTimeout,
            maxUnauthenticatedConnections, maxUnauthenticatedPerIp, maxInboundPerIp, value);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
