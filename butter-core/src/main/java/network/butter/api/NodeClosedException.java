package network.butter.api;

import network.butter.wire.ErrorCode;

/** The local node is shutting down or closed, so it takes no new work and abandons what did not drain. */
public final class NodeClosedException extends ButterException {

    /** @param message what was refused or abandoned */
    public NodeClosedException(String message) {
        super(ErrorCode.SHUTTING_DOWN, message, null);
    }
}
