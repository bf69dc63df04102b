package network.butter.env;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * What the wider layer (reachability, relays, hole punching) needs from a transport beyond sending frames. A
 * transport that can cross NATs offers it through {@link Transport#wider()}; one that cannot (a test double) does
 * not, and the wider layer then stays off. All methods are called on the node loop and complete there.
 *
 * <p>Sending to a relayed {@link PeerAddress} needs nothing from here: {@link Transport#send} dials the relay, opens
 * a circuit and runs the peer-to-peer TLS handshake inside it. This interface is for the decisions around that:
 * which peers may use this node as a relay, which relays this node accepts circuits from, dial-back checks and
 * punching.
 */
public interface WiderTransport {

    /**
     * The address the open direct connection to {@code peer} comes from, as this node sees it (its remote socket
     * address): what this node tells the peer when the peer asks how it is seen.
     *
     * @return empty when no direct connection to the peer is open (none, or only a relayed circuit)
     */
    Optional<HostPort> observedAddress(PeerId peer);

    /**
     * Sets the address peers should use to reach this node, once the wider layer knows it: a direct address that was
     * dialled back, or a relayed one. From then on {@link Transport#localAddress()} returns it, and the transport tells
     * every peer (in the handshake of new connections and by an update on open ones), so that a peer's requests and
     * known-host lists carry an address that works rather than the one the connection happened to come from. A peer
     * can only advertise an address with its own, authenticated id.
     */
    void advertise(PeerAddress self);

    /**
     * Dials {@code address} on a fresh connection, never an open one, learns who answers from its key, then closes:
     * the dial-back of a reachability check.
     *
     * @return the proven address of whoever answered; fails if nobody answers in time or the handshake fails
     */
    CompletableFuture<PeerAddress> probe(HostPort address);

    /**
     * Starts (or, with null, stops) forwarding circuits for peers: from now on a circuit request is put to
     * {@code gate}, which decides and bounds it.
     */
    void serveRelay(RelayGate gate);

    /**
     * Whether to accept circuits that {@code relay} forwards to this node: true while this node holds a reservation
     * there. Circuits from any other peer are refused, so no one can make this node talk through a relay it did not
     * choose.
     */
    void acceptCircuitsVia(PeerId relay, boolean accept);

    /**
     * Tries to open a direct connection to {@code peer} by coordinated simultaneous open: at {@code delayMs} from now
     * this node dials each of {@code candidates} from its listening port while the peer, told the same moment over
     * their relayed connection, dials this node's. TLS roles are fixed by the two ids, so both sides agree.
     *
     * @return completes when a direct, authenticated connection to {@code peer} is open (frames then prefer it over
     *         the circuit); fails when no candidate connects within the transport's connect timeout
     */
    CompletableFuture<Void> punch(PeerId peer, List<HostPort> candidates, long delayMs);

    /** How frames to {@code peer} travel now, or empty if no connection to it is open. */
    Optional<PathKind> path(PeerId peer);
}
