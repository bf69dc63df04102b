package network.butter.testbed;

/**
 * A cluster cannot go on because the machine ran out of something it needs (file descriptors, memory, processes):
 * the run stops with this message and the figures measured so far, instead of aborting with a stack trace.
 */
public class ClusterLimitException extends RuntimeException {

    /** A limit hit, said so a person knows which one and what to change. */
    public ClusterLimitException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code failure}, or one of its causes, is the operating system refusing a resource: no file
     * descriptor left ({@code EMFILE}/{@code ENFILE}, "Too many open files") or no memory for a thread or process.
     */
    public static boolean isResourceLimit(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Too many open files") || message.contains("unable to create native thread")
                || cause instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
