package network.butter.env;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.wire.Frame;

/**
 * Carries frames between this node and its peers. The node runtime sees peers, never connections: the
 * transport dials on demand, keeps one authenticated connection per peer, and reports back through a
 * {@link TransportListener} on the node loop.
 *
 * <p>The real transport is Netty with TLS 1.3; the simulator's passes encoded bytes through an emulated
 * network. All methods except {@link #close()} are called on the node loop.
 */
public interface Transport {

    /** Registers the listener that receives frames and failures; called once, before any traffic. */
    void start(TransportListener listener);

    /** This node's id and listening address. */
    PeerAddress localAddress();

    /**
     * Sends a frame to a peer. A {@link Frame.Request} dials the peer if no connection is open; an answer
     * ({@link Frame.Response}, {@link Frame.Failure}, {@link Frame.Cancel}) only uses an open connection and is
     * dropped otherwise, since the requester is gone. Failures to deliver a request are reported with
     * {@link TransportListener#onPeerFailed}.
     */
    void send(PeerAddress peer, Frame frame);

    /**
     * Connects to an address without knowing who is there, and learns the peer's id from its key.
     *
     * @return the peer's address with its proven id; completes on the node loop
     */
    CompletableFuture<PeerAddress> connect(HostPort address);

    /**
     * The NAT-crossing side of this transport (observed addresses, dial-back, relays, punching), if it has one.
     * The default is none: the wider layer then stays off and only direct addresses work.
     */
    default Optional<WiderTransport> wider() {
        return Optional.empty();
    }

    /**
     * Says goodbye to every peer (GOAWAY), closes every connection and stops listening. Idempotent.
     *
     * @return completes when everything is closed
     */
    CompletableFuture<Void> close();
}
