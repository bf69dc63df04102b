package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import network.butter.env.Cancellable;
import network.butter.env.NodeLoop;
import network.butter.testing.ManualLoop;
import network.butter.testing.VirtualTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deadlines kept in per-timeout lists: expiring exactly on time, with one timer per timeout rather than per entry. */
class DeadlineListsTest {

    private VirtualTime time;
    private CountingLoop loop;
    private final List<String> expired = new ArrayList<>();
    private DeadlineLists<Item> deadlines;

    private static final class Item extends DeadlineLists.Entry {
        final String name;

        Item(String name) {
            this.name = name;
        }
    }

    /** The manual loop, counting the timers set on it. */
    private static final class CountingLoop implements NodeLoop {
        final ManualLoop loop;
        int timersSet;

        CountingLoop(ManualLoop loop) {
            this.loop = loop;
        }

        @Override
        public long nowMillis() {
            return loop.nowMillis();
        }

        @Override
        public Cancellable schedule(long delayMs, Runnable task) {
            timersSet++;
            return loop.schedule(delayMs, task);
        }

        @Override
        public void execute(Runnable task) {
            loop.execute(task);
        }

        @Override
        public boolean inLoop() {
            return true;
        }
    }

    @BeforeEach
    void setUp() {
        time = new VirtualTime();
        loop = new CountingLoop(new ManualLoop(time));
        deadlines = new DeadlineLists<>(loop, item -> expired.add(item.name + "@" + time.nowMs()));
    }

    @Test
    void shouldExpireEachEntryExactlyAtItsDeadline() {
        deadlines.add(new Item("a"), 100);
        time.advance(30);
        deadlines.add(new Item("b"), 100);
        deadlines.add(new Item("short"), 50);
        time.advance(200);

        assertThat(expired).containsExactly("short@80", "a@100", "b@130");
    }

    @Test
    void shouldSetOneTimerPerTimeoutWhateverTheNumberOfEntries() {
        for (int i = 0; i < 1_000; i++) {
            Item item = new Item("answered" + i);
            deadlines.add(item, 10_000);
            time.advance(1);
            deadlines.remove(item);
        }

        assertThat(loop.timersSet).isEqualTo(1);
        time.advance(20_000);
        assertThat(expired).isEmpty();
    }

    @Test
    void shouldNeverExpireAnEntryRemovedBeforeItsDeadline() {
        Item answered = new Item("answered");
        deadlines.add(new Item("first"), 100);
        deadlines.add(answered, 100);
        deadlines.add(new Item("last"), 100);
        deadlines.remove(answered);
        deadlines.remove(answered);
        time.advance(100);

        assertThat(expired).containsExactly("first@100", "last@100");
    }

    @Test
    void shouldExpireTheNextEntryOnTimeAfterItsPredecessorWasRemoved() {
        Item head = new Item("head");
        deadlines.add(head, 100);
        time.advance(40);
        deadlines.add(new Item("next"), 100);
        deadlines.remove(head);
        time.advance(200);

        assertThat(expired).containsExactly("next@140");
    }

    @Test
    void shouldKeepAnEntryAddedWhileExpiringOthersAndStillExpireTheRestOnTime() {
        deadlines = new DeadlineLists<>(loop, item -> {
            expired.add(item.name + "@" + time.nowMs());
            if (item.name.equals("a")) {
                deadlines.add(new Item("added-by-a"), 100);
            }
        });
        deadlines.add(new Item("a"), 100);
        time.advance(10);
        deadlines.add(new Item("b"), 100);
        time.advance(300);

        assertThat(expired).containsExactly("a@100", "b@110", "added-by-a@200");
        assertThat(loop.timersSet).as("one timer for each head in turn").isEqualTo(3);
    }
}
