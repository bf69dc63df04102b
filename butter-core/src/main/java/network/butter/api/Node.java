package network.butter.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.env.Cancellable;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * A Butter node: a server that answers requests on routes and a client that calls other nodes, with
 * background behaviours of its own.
 *
 * <pre>{@code
 * node.handle("ohce/reverse", req -> Reply.text(new StringBuilder(req.text()).reverse().toString()));
 * Reply r = node.requestBlocking(peer, "ohce/reverse", "hello");   // "olleh"
 * }</pre>
 *
 * <p>All methods are thread-safe. The callbacks of returned futures (also those added with the plain,
 * non-{@code Async} methods such as {@code thenApply}) run on a virtual thread, never on the node's event loop,
 * so they may block. Failures are {@link ButterException}s, one subclass per cause. Route handlers, likewise, run
 * on virtual threads; code that can never block may opt in to running on the loop instead, per route
 * ({@link #handleOnLoop}) or per request ({@link #requestOnLoop}), and saves the thread hop.
 */
public interface Node extends AutoCloseable {

    /** This node's peer id. */
    PeerId id();

    /** Where other nodes reach this node: its id and listening address. */
    PeerAddress address();

    /** The limits this node enforces. */
    Limits limits();

    /** Traffic counters since the node started. */
    NodeStats stats();

    /**
     * Serves {@code route} with {@code handler}, replacing any handler it had.
     *
     * @throws IllegalArgumentException if the route is invalid (see {@link network.butter.wire.Route})
     * @return this node, for chaining
     */
    Node handle(String route, RequestHandler handler);

    /**
     * Serves {@code route} with a handler that runs on the node's event loop itself, replacing any handler the route
     * had. An explicit opt-in, per route, for handlers that can never block: one that only computes its reply from the
     * request (an echo, a lookup in memory) saves the hop to a virtual thread and back, which on a busy machine is most
     * of what serving a small request costs.
     *
     * <p>The handler must not block (no I/O, no locks, no waiting for another request) and must be quick: while it
     * runs, the node and every node sharing its loop serve nobody, and it cannot be interrupted, so
     * {@link Limits#maxHandlerTime()} does not bound it. Everything else is as for {@link #handle}: the caller's
     * per-peer in-flight limit applies, a {@link PublicException}'s message reaches the caller and anything else
     * thrown becomes an internal error with an incident id, a reply larger than a frame becomes
     * {@code PAYLOAD_TOO_LARGE}.
     *
     * @throws IllegalArgumentException if the route is invalid (see {@link network.butter.wire.Route})
     * @return this node, for chaining
     */
    Node handleOnLoop(String route, RequestHandler handler);

    /**
     * Installs a protocol (discovery, known hosts, storage, search, or one of your own) on this node. Each is a
     * module: install the ones you want, leave out or replace the others.
     *
     * @return this node, for chaining
     */
    Node install(network.butter.protocol.Protocol protocol);

    /**
     * Calls {@code route} on {@code peer}, connecting to it if needed.
     *
     * @param timeout how long to wait for the answer; the peer is told, and gives up at the same time
     * @return the reply, or a failed future with {@link UnknownRouteException}, {@link RequestTimeoutException},
     *         {@link PeerUnreachableException}, {@link RemoteHandlerException}, {@link PayloadTooLargeException},
     *         {@link OverloadedException} or {@link NodeClosedException}
     */
    CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout);

    /**
     * Calls {@code route} on {@code peer} like {@link #request(PeerAddress, String, byte[], Duration)}, but tells
     * {@code listener} the answer on the node's event loop instead of completing a future: no future, no callback
     * thread. An explicit opt-in for callers whose reaction to an answer never blocks (see {@link ReplyListener});
     * called from the loop itself (from a listener, say), the request is sent at once, without a task for the loop.
     *
     * <p>The listener is called exactly once, with the reply or with one of the failures {@code request} reports;
     * only if the node's loop has already stopped is it called on the calling thread, with
     * {@link NodeClosedException}.
     *
     * @throws IllegalArgumentException if the route is invalid, the timeout is not positive, or {@code peer} is this
     *                                  node
     */
    void requestOnLoop(PeerAddress peer, String route, byte[] payload, Duration timeout, ReplyListener listener);

    /** {@link #request(PeerAddress, String, byte[], Duration)} with the default timeout of {@link #limits()}. */
    default CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload) {
        return request(peer, route, payload, limits().requestTimeout());
    }

    /** {@link #request(PeerAddress, String, byte[])} with a UTF-8 text payload. */
    default CompletableFuture<Reply> request(PeerAddress peer, String route, String text) {
        return request(peer, route, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The blocking twin of {@link #request(PeerAddress, String, byte[], Duration)}: waits for the reply.
     *
     * @throws ButterException the failure, as its specific subclass
     */
    default Reply requestBlocking(PeerAddress peer, String route, byte[] payload, Duration timeout) {
        try {
            return request(peer, route, payload, timeout).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ButterException butter) {
                throw butter;
            }
            throw e;
        }
    }

    /** {@link #requestBlocking(PeerAddress, String, byte[], Duration)} with the default timeout. */
    default Reply requestBlocking(PeerAddress peer, String route, byte[] payload) {
        return requestBlocking(peer, route, payload, limits().requestTimeout());
    }

    /** {@link #requestBlocking(PeerAddress, String, byte[])} with a UTF-8 text payload. */
    default Reply requestBlocking(PeerAddress peer, String route, String text) {
        return requestBlocking(peer, route, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Connects to a node known only by its address (e.g. a bootstrap address) and learns who it is. The
     * remote id is whatever key the remote node proves; use it for later requests.
     *
     * @return the peer's id and address, or a failed future with {@link PeerUnreachableException}
     */
    CompletableFuture<PeerAddress> connect(HostPort address);

    /**
     * Runs {@code behaviour} every {@code period}, starting after a random fraction of one period so that
     * nodes started together do not act in lock-step. A round never overlaps the previous one; a round that
     * throws is logged and the next still runs.
     *
     * @return a handle that stops further rounds
     */
    Cancellable every(Duration period, Behaviour behaviour);

    /**
     * Starts a long-running behaviour on its own virtual thread. It is interrupted when the node closes.
     *
     * @return a handle that interrupts it
     */
    Cancellable spawn(String name, Behaviour behaviour);

    /**
     * Shuts down gracefully: refuses new requests, lets those in flight (both ways) finish for up to
     * {@code grace}, stops behaviours, then closes every connection. Calling it again returns the same future.
     * The shutdown takes effect on the node's loop, so a request that reaches the node just before it does is
     * still served (and drained) rather than refused.
     */
    CompletableFuture<Void> shutdown(Duration grace);

    /** Shuts down with a 5-second grace period and waits for it. Closing twice is harmless. */
    @Override
    default void close() {
        shutdown(Duration.ofSeconds(5)).join();
    }
}
