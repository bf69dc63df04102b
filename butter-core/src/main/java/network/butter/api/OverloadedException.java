package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * A limit was reached: too many requests in flight to or from a peer, too many connections, or too many
 * requests queued locally. Back off and retry, or ask another peer.
 */
public final class OverloadedException extends ButterException {

    /** @param message which limit, and its value */
    public OverloadedException(String message) {
        super(ErrorCode.OVERLOADED, message, null);
    }
}
