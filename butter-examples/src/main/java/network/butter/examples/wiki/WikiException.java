package network.butter.examples.wiki;

/**
 * The wiki could not do what was asked because of the network (a text could not be read or stored in time) or a
 * bound (the wiki is full). The message says which, in words a reader of the page can act on.
 */
public final class WikiException extends RuntimeException {

    /** A failure of this node's own (e.g. a bound reached). */
    public WikiException(String message) {
        super(message);
    }

    /** A failure with its cause. */
    public WikiException(String message, Throwable cause) {
        super(message, cause);
    }
}
