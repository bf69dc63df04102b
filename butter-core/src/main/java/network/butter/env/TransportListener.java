package network.butter.env;

import network.butter.api.ButterException;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.Frame;

/** What a {@link Transport} reports to the node runtime; every call arrives on the node loop. */
public interface TransportListener {

    /**
     * A request-level frame ({@link Frame.Request}, {@link Frame.Response}, {@link Frame.Failure} or
     * {@link Frame.Cancel}) arrived from an authenticated peer.
     */
    void onFrame(PeerAddress from, Frame frame);

    /**
     * Like {@link #onFrame(PeerAddress, Frame)}, from a transport that receives frames in batches (all those of one
     * read from a connection). {@code heardInThisRead} says that an earlier request, response or failure of the same
     * read, from the same {@code from}, was already passed up: the runtime has told its "peer heard" listeners at that
     * instant and need not tell them again for a frame that arrived with it (called for every frame, they were a few
     * per cent of a busy loop's time). Only requests, responses and failures count, as they are what the runtime
     * reports heard. The default ignores the hint.
     */
    default void onFrame(PeerAddress from, Frame frame, boolean heardInThisRead) {
        onFrame(from, frame);
    }

    /**
     * Requests to {@code peer} cannot be delivered or answered any more: dialling failed, the handshake or
     * identity check failed, or the connection closed. Everything in flight to that peer should fail with
     * {@code cause}.
     */
    void onPeerFailed(PeerId peer, ButterException cause);

    /**
     * A connected, authenticated peer advertised a new address for itself (it found out how others can reach it):
     * its frames come from {@code address} from now on. Reported at once, so that whoever keeps its address follows
     * now rather than at its next frame, which may never come if the old address stops working first. The default
     * does nothing: a transport whose frames carry the sender's address needs no separate report.
     */
    default void onPeerAdvertised(PeerAddress address) {
    }

    /**
     * Whether any request to or from {@code peer} is in flight. The transport closes an idle connection only
     * when this is false, so a slow handler never loses its connection.
     */
    boolean isBusyWith(PeerId peer);
}
