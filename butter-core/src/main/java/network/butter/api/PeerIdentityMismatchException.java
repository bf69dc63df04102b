package network.butter.api;

import network.butter.identity.PeerId;

/**
 * The node at the dialled address proved a different key than the peer id we dialled: an impostor, or a
 * different node now at that address. The connection is closed before any request is sent.
 */
public final class PeerIdentityMismatchException extends PeerUnreachableException {

    private final PeerId expected;
    private final PeerId actual;

    /**
     * @param address  the address dialled
     * @param expected the peer id we asked for
     * @param actual   the peer id the remote key belongs to
     */
    public PeerIdentityMismatchException(Object address, PeerId expected, PeerId actual) {
        super(address, "expected peer " + expected + " but the remote key is " + actual, null);
        this.expected = expected;
        this.actual = actual;
    }

    /** The peer id that was dialled. */
    public PeerId expected() {
        return expected;
    }

    /** The peer id the remote node proved instead. */
    public PeerId actual() {
        return actual;
    }
}
