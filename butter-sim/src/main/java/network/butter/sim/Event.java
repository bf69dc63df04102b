package network.butter.sim;

/**
 * One entry of the simulator's queue: an action due at a virtual time. Events that belong to a node carry the
 * node's incarnation, so a crash silently drops everything the dead incarnation had pending. Events due at the same
 * time run in the order they were scheduled ({@link EventQueue}).
 */
final class Event {

    final long dueMs;
    final SimNode owner;
    final int incarnation;
    final Runnable action;
    boolean cancelled;

    Event(long dueMs, SimNode owner, int incarnation, Runnable action) {
        this.dueMs = dueMs;
        this.owner = owner;
        this.incarnation = incarnation;
        this.action = action;
    }

    /** Whether the event should still run: not cancelled, and its node incarnation still alive. */
    boolean live() {
        return !cancelled && (owner == null || owner.isIncarnation(incarnation));
    }
}
