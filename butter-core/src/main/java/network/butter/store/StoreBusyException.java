package network.butter.store;

/**
 * The disk has fallen behind: the node's queue of chunk-store work is full, so a new write is refused at once rather
 * than queued without bound. The caller answers "busy" (a recruiter then asks another node) and the node keeps
 * serving everything else.
 */
public final class StoreBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param queued writes waiting for the disk; @param limit the most that may wait */
    public StoreBusyException(String what, int queued, int limit) {
        super("the disk is busy: " + queued + " writes already wait (limit " + limit + "), cannot " + what + " now");
    }
}
