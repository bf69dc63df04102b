package network.butter.testbed;

/**
 * One node did not start (its host process said so: e.g. its loop, shared with many nodes on a saturated machine,
 * did not get to its protocols in time) and left nothing running behind. Unlike the other limits this one need not
 * end a run: a replacement that fails during churn leaves the network one node short, which the experiment can
 * carry, while many such failures mean the machine holds fewer nodes than asked, and the run stops.
 */
public final class NodeStartException extends ClusterLimitException {

    /** A node that did not start, said so a person knows which one and where its host's log is. */
    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
