package network.butter.sim;

/**
 * One entry of the simulator's queue: an action due at a virtual time. Events that belong to a node carry the
 * node's incarnation, so a crash silently drops everything the dead incarnation had pending.
 */
final class Event implements Comparable<Event> {

    final long dueMs;
    final long sequence;
    final SimNode owner;
    final int incarnation;
    final Runnable action;
    boolean cancelled;

    Event(long dueMs, long sequence, SimNode owner, int incarnation, Runnable action) {
        this.dueMs = dueMs;
        this.sequence = sequence;
        this.owner = owner;
        this.incarnation = incarnation;
        this.action = action;
    }

    /** Whether the event should still run: not cancelled, and its node incarnation still alive. */
    boolean live() {
        return !cancelled && (owner == null || owner.isIncarnation(incarnation));
    }

    @Override
    public int compareTo(Event other) {
        int byTime = Long.compare(dueMs, other.dueMs);
        return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
}
