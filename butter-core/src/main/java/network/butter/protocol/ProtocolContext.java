package network.butter.protocol;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.env.NodeLoop;
import network.butter.env.WiderTransport;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * What a {@link Protocol} may use: the node loop (time, timers), the node's randomness, routes served on the
 * loop, requests whose futures complete on the loop, and news of failed peers. Everything here is to be used on
 * the node loop only.
 */
public interface ProtocolContext {

    /** This node's id and address. */
    PeerAddress self();

    /** The node loop: {@code nowMillis()}, {@code schedule(...)}, {@code execute(...)}. */
    NodeLoop loop();

    /** The node's randomness (seeded in the simulator). */
    RandomGenerator random();

    /**
     * Signs {@code data} with the node's private key (Ed25519, 64 bytes); anyone can check it with
     * {@code self().id().verify(data, signature)}.
     */
    byte[] sign(byte[] data);

    /** The node's limits. */
    Limits limits();

    /**
     * The transport's NAT-crossing side (observed addresses, dial-back, relays, punching) for the wider layer, or
     * empty when the transport has none.
     */
    default Optional<WiderTransport> wider() {
        return Optional.empty();
    }

    /** The node's public API, e.g. for applications' view of the protocol. */
    Node node();

    /**
     * Serves a route on the node loop (see {@link LoopHandler}).
     *
     * @throws IllegalArgumentException if the route is invalid
     */
    void handle(String route, LoopHandler handler);

    /**
     * Serves a route on the node loop whose answer comes later (see {@link AsyncLoopHandler}).
     *
     * @throws IllegalArgumentException if the route is invalid
     */
    void handleAsync(String route, AsyncLoopHandler handler);

    /**
     * Calls a route on a peer. Unlike {@link Node#request}, the returned future completes <em>on the node
     * loop</em> and its plain callbacks run there, so protocol code can update its state in them directly; they
     * must not block.
     */
    CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout);

    /**
     * A future to hand to application code: its callbacks never run on the node loop (as with
     * {@link Node#request}), so a slow application callback cannot stall the node.
     */
    <T> CompletableFuture<T> newApplicationFuture();

    /**
     * Where protocol code runs application callbacks (progress listeners and the like): never the node loop, so a
     * slow callback cannot stall the node.
     */
    Executor applicationExecutor();

    /**
     * Another protocol installed on this node before this one, for protocols built on others (storage recruits
     * from the known hosts).
     */
    <P extends Protocol> Optional<P> protocol(Class<P> type);

    /**
     * Registers a listener for peers found unreachable by any protocol (a failed dial, a reset connection);
     * called on the node loop.
     */
    void onPeerFailed(BiConsumer<PeerId, ButterException> listener);

    /**
     * Reports a peer as failed, as the transport does for a reset connection: what is in flight to it fails with
     * {@code cause}, and every {@link #onPeerFailed} listener hears of it (the reporter's too). A failure detector
     * calls this once it has confirmed a silent death; {@code cause}'s type tells listeners how it was found.
     */
    void reportPeerFailed(PeerId peer, ButterException cause);

    /**
     * Registers a listener for requests of this node (any protocol's or the application's) that got no answer in
     * time; called on the node loop, after the caller's future has failed. A timeout alone says little (a lost
     * frame, a busy peer): a failure detector takes it as a reason to look closer.
     */
    void onRequestTimedOut(BiConsumer<PeerAddress, RequestTimeoutException> listener);

    /**
     * Registers a listener for every request or answer a peer sends this node: proof the peer is alive now.
     * Called on the node loop for each such frame, so the listener must be very cheap.
     */
    void onPeerHeard(Consumer<PeerId> listener);

    /**
     * Like {@link #onPeerHeard}, with the address the frame comes from: the one the peer advertises (see
     * {@code WiderTransport#advertise}), so a protocol that keeps peers' addresses can follow a peer that moved
     * (behind a NAT, to a relayed address). Called on the node loop for each such frame; the listener must be very
     * cheap. The default never calls it.
     */
    default void onPeerHeardAt(Consumer<PeerAddress> listener) {
    }
}
