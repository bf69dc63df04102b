package network.butter.sim;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The simulator's agenda: events in order of due time, then of scheduling. Virtual time moves in whole milliseconds
 * and a large network schedules thousands of events for the same millisecond, so events wait in one FIFO bucket per
 * due time, and only the distinct due times sit in a binary heap: adding and taking an event cost O(1) plus O(log t)
 * for the first event of a new time t, where a heap of all events costs O(log n) comparisons for every one.
 *
 * <p>A bucket keeps its events in the order they were added, so the queue yields exactly the order of a heap ordered by
 * (due time, scheduling sequence number), the simulator's total order of events. Buckets are found by due time in a
 * table of plain {@code long} keys (no boxing per event), and emptied buckets are kept for reuse, a few at a time.
 */
final class EventQueue {

    private static final int INITIAL_TIMES = 64;
    /** Emptied buckets kept for reuse. */
    private static final int SPARE_BUCKETS = 64;

    private final DueTimeTable<ArrayDeque<Event>> buckets = new DueTimeTable<>();
    private final ArrayDeque<ArrayDeque<Event>> spareBuckets = new ArrayDeque<>();
    /** Distinct due times with a bucket, as a binary min-heap in {@code times[0..timeCount)}. */
    private long[] times = new long[INITIAL_TIMES];
    private int timeCount;
    /** The bucket of the earliest due time, or null if it must be looked up again. */
    private ArrayDeque<Event> head;
    private long headTime;
    private long size;

    /** Whether no event waits. */
    boolean isEmpty() {
        return size == 0;
    }

    /** Events waiting, cancelled ones included. */
    long size() {
        return size;
    }

    /** Adds an event, after every event added before with the same due time. */
    void add(Event event) {
        long due = event.dueMs;
        ArrayDeque<Event> bucket = head != null && due == headTime ? head : buckets.get(due);
        if (bucket == null) {
            bucket = spareBuckets.isEmpty() ? new ArrayDeque<>() : spareBuckets.pollLast();
            buckets.put(due, bucket);
            pushTime(due);
            if (head != null && due < headTime) {
                head = null;
            }
        }
        bucket.addLast(event);
        size++;
    }

    /** The due time of the next event, or {@link Long#MAX_VALUE} if none waits. */
    long peekDueMs() {
        return headBucket() == null ? Long.MAX_VALUE : headTime;
    }

    /** Takes the next event (earliest due time, then earliest scheduled), or null if none waits. */
    Event poll() {
        ArrayDeque<Event> bucket = headBucket();
        if (bucket == null) {
            return null;
        }
        Event event = bucket.pollFirst();
        size--;
        if (bucket.isEmpty()) {
            buckets.remove(headTime);
            popTime();
            head = null;
            if (spareBuckets.size() < SPARE_BUCKETS) {
                spareBuckets.addLast(bucket);
            }
        }
        return event;
    }

    private ArrayDeque<Event> headBucket() {
        if (head == null && timeCount > 0) {
            headTime = times[0];
            head = buckets.get(headTime);
        }
        return head;
    }

    private void pushTime(long time) {
        if (timeCount == times.length) {
            times = Arrays.copyOf(times, timeCount * 2);
        }
        int i = timeCount++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (times[parent] <= time) {
                break;
            }
            times[i] = times[parent];
            i = parent;
        }
        times[i] = time;
    }

    private void popTime() {
        long last = times[--timeCount];
        int i = 0;
        int half = timeCount >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < timeCount && times[child + 1] < times[child]) {
                child++;
            }
            if (last <= times[child]) {
                break;
            }
            times[i] = times[child];
            i = child;
        }
        if (timeCount > 0) {
            times[i] = last;
        }
    }
}
