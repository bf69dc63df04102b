package network.butter.testing;

import java.util.PriorityQueue;

/**
 * A virtual clock with one global queue of due tasks, shared by every node of a test network, so events of
 * all nodes run in one deterministic order. Time moves only when a test advances it.
 */
public final class VirtualTime {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long nowMs;
    private long sequence;

    /** The current virtual time in milliseconds. */
    public long nowMs() {
        return nowMs;
    }

    Task schedule(long delayMs, Runnable action) {
        Task task = new Task(nowMs + Math.max(0, delayMs), sequence++, action);
        queue.add(task);
        return task;
    }

    /** Runs every task due up to now, including tasks those tasks schedule for now. */
    public void runDue() {
        advanceTo(nowMs);
    }

    /** Moves time forward by {@code ms}, running every task that falls due on the way, in order. */
    public void advance(long ms) {
        advanceTo(nowMs + ms);
    }

    private void advanceTo(long targetMs) {
        int steps = 0;
        while (!queue.isEmpty() && queue.peek().dueMs <= targetMs) {
            Task task = queue.poll();
            nowMs = Math.max(nowMs, task.dueMs);
            if (!task.cancelled) {
                task.action.run();
            }
            if (++steps > 1_000_000) {
                throw new IllegalStateException("more than a million events in one advance: a busy loop?");
            }
        }
        nowMs = Math.max(nowMs, targetMs);
    }

    static final class Task implements Comparable<Task> {
        final long dueMs;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Task(long dueMs, long seq, Runnable action) {
            this.dueMs = dueMs;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueMs, other.dueMs);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }
}
