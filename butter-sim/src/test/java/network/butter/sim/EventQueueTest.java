package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventQueueTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    /** An event and the order it was scheduled in, for the reference ordering. */
    private record Scheduled(Event event, long sequence) {
    }

    @Test
    void shouldYieldEventsByDueTimeThenInTheOrderTheyWereScheduledWhileTheyAreAddedAndTakenInterleaved() {
        SplittableRandom random = new SplittableRandom(sims.seed());
        EventQueue queue = new EventQueue();
        PriorityQueue<Scheduled> reference = new PriorityQueue<>(
            Comparator.comparingLong((Scheduled s) -> s.event().dueMs).thenComparingLong(Scheduled::sequence));
        List<Event> taken = new ArrayList<>();
        List<Event> expected = new ArrayList<>();
        long now = 0;
        long sequence = 0;
        for (int round = 0; round < 2_000; round++) {
            int adds = random.nextInt(6);
            for (int i = 0; i < adds; i++) {
                Event event = new Event(now + random.nextInt(20), null, 0, () -> { });
                queue.add(event);
                reference.add(new Scheduled(event, sequence++));
            }
            int takes = random.nextInt(5);
            for (int i = 0; i < takes && !queue.isEmpty(); i++) {
                assertThat(queue.peekDueMs()).isEqualTo(reference.peek().event().dueMs);
                Event event = queue.poll();
                taken.add(event);
                expected.add(reference.poll().event());
                now = event.dueMs;
            }
        }
        while (!queue.isEmpty()) {
            taken.add(queue.poll());
            expected.add(reference.poll().event());
        }
        assertThat(taken).as("seed " + sims.seed()).containsExactlyElementsOf(expected);
        assertThat(queue.size()).isZero();
        assertThat(queue.peekDueMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void shouldLetGoOfACancelledEventsActionAndNeverRunIt() {
        Event event = new Event(5, null, 0, () -> {
            throw new AssertionError("a cancelled event ran");
        });
        assertThat(event.live()).isTrue();
        event.cancel();
        assertThat(event.live()).isFalse();
    }
}
