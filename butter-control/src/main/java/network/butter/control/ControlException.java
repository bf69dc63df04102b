package network.butter.control;

/** A control API call that failed, with the kind of failure so a command can choose its exit code and advice. */
public final class ControlException extends Exception {

    /** What went wrong, broadly. */
    public enum Kind {
        /** No node answers at the API address. */
        NO_NODE,
        /** The content is unknown, or deleted. */
        NOT_FOUND,
        /** The request was wrong (a malformed id, content too large) or not allowed (token). */
        REFUSED,
        /** The node or the network could not do it now (too few replicas, timeout). */
        FAILED;

        static Kind ofStatus(int status) {
            return switch (status) {
                case 404, 410 -> NOT_FOUND;
                case 400, 401, 405, 409, 413 -> REFUSED;
                default -> FAILED;
            };
        }
    }

    private final Kind kind;

    /** A failure of the given kind, with a message for a person. */
    public ControlException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** What went wrong, broadly. */
    public Kind kind() {
        return kind;
    }
}
