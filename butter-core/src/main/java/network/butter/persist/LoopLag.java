package network.butter.persist;

/**
 * How far behind this node's loop runs, learnt from how late its own upkeep rounds fire: a loop whose host is
 * saturated (many nodes on few cores, a collection, a slow disk on the same machine) runs its timers late, and the
 * answers it waits for sit in the same queue. That is the node's own trouble, not its partners' death, and a node
 * that takes it for deaths makes it worse: every member it gives up on costs a recruit, a copy sent and a signature
 * checked on a machine that had no time to spare (200 real nodes in four processes sent 31,000 stores in two and a
 * half minutes while half their beats went unanswered). Lifeguard calls this local health.
 *
 * <p>The estimate rises to a late round at once and halves with each punctual one, so one long pause is forgotten
 * within a few rounds. Runs on the node loop.
 */
final class LoopLag {

    /** A loop this far behind, in milliseconds, counts as lagging: well above a scheduler's jitter or a short pause. */
    static final long LAGGING_MS = 250;

    /** Queues an exchange with a peer waits in, each as long as the lag, when every loop runs behind. */
    static final int STEPS_PER_EXCHANGE = 4;

    private long lagMs;

    /** An upkeep round ran {@code latenessMs} after it was due. */
    void observe(long latenessMs) {
        long late = Math.max(0, latenessMs);
        lagMs = late >= lagMs ? late : (lagMs + late) / 2;
    }

    /** How far behind the loop runs lately, in milliseconds (0 on a loop that keeps time, as in the simulator). */
    long lagMs() {
        return lagMs;
    }

    /**
     * How much longer than usual an exchange with a peer may take while the loop runs behind: a request's round trip
     * waits in a queue at every step (this node's sending, the peer's reading and answering, this node's reading of
     * the answer), {@link #STEPS_PER_EXCHANGE} times the lag on a machine whose loops all run behind. 0 while the loop
     * keeps time, so a node on a machine with time to spare notices a dead peer as soon as ever.
     */
    long allowanceMs() {
        return lagging() ? STEPS_PER_EXCHANGE * lagMs : 0;
    }

    /** Whether the loop runs far enough behind that timeouts and repairs should allow for it. */
    boolean lagging() {
        return lagMs >= LAGGING_MS;
    }
}
