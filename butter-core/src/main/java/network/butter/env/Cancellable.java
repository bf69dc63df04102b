package network.butter.env;

/** Something scheduled or started that can be called off: a timer, a blocking task. */
@FunctionalInterface
public interface Cancellable {

    /** Does nothing; for tasks that cannot or need not be cancelled. */
    Cancellable NONE = () -> { };

    /** Calls it off. Harmless if it already ran, finished or was cancelled. */
    void cancel();
}
