package network.butter.sim;

/**
 * One entry of the simulator's queue: an action due at a virtual time. Events that belong to a node carry the
 * node's incarnation, so a crash silently drops everything the dead incarnation had pending. Events due at the same
 * time run in the order they were scheduled ({@link EventQueue}).
 */
class Event {

    /** The action of a cancelled event: it runs nothing and holds nothing. */
    private static final Runnable CANCELLED = () -> { };

    final long dueMs;
    final SimNode owner;
    final int incarnation;
    /**
     * What to do, or null for a subclass that overrides {@link #run()}; {@link #CANCELLED} once cancelled, so a
     * cancelled timer (most request timeouts) frees what it captured.
     */
    private Runnable action;

    Event(long dueMs, SimNode owner, int incarnation, Runnable action) {
        this.dueMs = dueMs;
        this.owner = owner;
        this.incarnation = incarnation;
        this.action = action;
    }

    /** Whether the event should still run: not cancelled, and its node incarnation still alive. */
    final boolean live() {
        return action != CANCELLED && (owner == null || owner.isIncarnation(incarnation));
    }

    /** Runs the action; only for a {@link #live()} event. */
    void run() {
        action.run();
    }

    /**
     * Cancels the event. It stays queued until its due time (taking it out of its bucket would cost a scan) but lets
     * go of its action and everything that captured: a request's payload, its future, its callbacks.
     */
    final void cancel() {
        action = CANCELLED;
    }
}
