package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * The peer could not be reached or was lost: connection refused, TLS handshake failed, connection dropped
 * while the request was in flight, or the peer is shutting down. Try again later or ask another peer.
 */
public class PeerUnreachableException extends ButterException {

    /**
     * @param peer   the peer (id, address or both) that could not be reached
     * @param reason what went wrong, e.g. "connection refused"
     * @param cause  the underlying exception, or null
     */
    public PeerUnreachableException(Object peer, String reason, Throwable cause) {
        super(ErrorCode.UNKNOWN, "peer " + peer + " is unreachable: " + reason, cause);
    }
}
