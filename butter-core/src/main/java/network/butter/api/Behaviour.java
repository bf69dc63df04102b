package network.butter.api;

/**
 * A background behaviour of a node: a periodic task ({@link Node#every}) or a long-running one
 * ({@link Node#spawn}). It runs on its own virtual thread and may block; a long-running behaviour should
 * return when its thread is interrupted, which happens when the node closes.
 */
@FunctionalInterface
public interface Behaviour {

    /**
     * Does one round of work (periodic) or the whole job (long-running).
     *
     * @param node the node this behaviour belongs to, for requests and state
     * @throws Exception any failure; it is logged and, for a periodic behaviour, the next round still runs
     */
    void run(Node node) throws Exception;
}
