package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * The peer went silent and a failure detector confirmed it dead: it stopped answering, and so did it to the other
 * nodes asked to probe it, for the whole suspicion time. Unlike a {@link RequestTimeoutException} (one request got
 * no answer: a lost frame, a busy peer), this is a verdict, so protocols may repair around the peer at once, as
 * they would after a reset connection. Unlike a {@link PeerUnreachableException}, nobody saw the peer go: a verdict
 * can be wrong under heavy loss or a partition, so a protocol that can should take the peer back if it speaks again.
 */
public final class PeerSilentException extends ButterException {

    private final long silentForMs;

    /**
     * @param peer        the peer found dead
     * @param silentForMs how long it had been suspected before the verdict, in milliseconds
     * @param evidence    what confirmed it, e.g. "no answer to 4 probes; 3 of 3 helpers could not reach it either"
     */
    public PeerSilentException(Object peer, long silentForMs, String evidence) {
        super(ErrorCode.UNKNOWN, "peer " + peer + " is silent, confirmed dead after " + silentForMs + " ms: " + evidence,
            null);
        this.silentForMs = silentForMs;
    }

    /** How long the peer had been suspected before it was confirmed dead, in milliseconds. */
    public long silentForMs() {
        return silentForMs;
    }
}
