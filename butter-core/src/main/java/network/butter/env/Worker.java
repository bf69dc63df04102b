package network.butter.env;

/**
 * Runs application code that may block (route handlers, background behaviours) away from the node loop,
 * so one slow handler never stalls the protocol.
 *
 * <p>On a real node each task gets its own virtual thread. The simulator runs tasks in its own ordered way so
 * a run stays reproducible. Results go back to the node loop with {@link NodeLoop#execute(Runnable)}.
 */
public interface Worker {

    /**
     * Starts {@code task}.
     *
     * @return a handle that interrupts the task (e.g. when a handler exceeds its deadline)
     */
    Cancellable start(String name, Runnable task);
}
