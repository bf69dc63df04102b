package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import network.butter.testing.SeedReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The table of requests in flight by id behaves exactly as a map, through growth and removals that shift entries. */
class IntTableTest {

    private static final long SEED = 20261130L;

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    @Test
    void shouldAgreeWithAHashMapOverRandomPutsGetsAndRemovals() {
        SplittableRandom random = new SplittableRandom(SEED);
        IntTable<String> table = new IntTable<>();
        Map<Integer, String> reference = new HashMap<>();
        int nextId = 1;
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(10);
            // Mostly consecutive ids, as requests get them, plus some arbitrary ones, colliding on purpose.
            int key = random.nextInt(4) == 0 ? random.nextInt(1, 5_000) : Math.max(1, nextId - random.nextInt(300));
            if (op < 4) {
                int id = nextId++;
                table.put(id, "v" + id);
                reference.put(id, "v" + id);
            } else if (op < 5) {
                table.put(key, "w" + step);
                reference.put(key, "w" + step);
            } else if (op < 8) {
                assertThat(table.remove(key)).as("remove %d at step %d", key, step).isEqualTo(reference.remove(key));
            } else {
                assertThat(table.get(key)).as("get %d at step %d", key, step).isEqualTo(reference.get(key));
                assertThat(table.containsKey(key)).isEqualTo(reference.containsKey(key));
            }
            assertThat(table.size()).isEqualTo(reference.size());
        }
        reference.forEach((key, value) -> assertThat(table.get(key)).isEqualTo(value));
    }

    @Test
    void shouldFindEveryEntryAfterRemovingFromTheMiddleOfAProbeRunThatWrapsAround() {
        IntTable<Integer> table = new IntTable<>();
        for (int id = 1; id <= 8; id++) {
            table.put(id, id);
        }
        for (int id = 1; id <= 8; id += 2) {
            table.remove(id);
        }

        for (int id = 2; id <= 8; id += 2) {
            assertThat(table.get(id)).isEqualTo(id);
        }
        assertThat(table.get(1)).isNull();
        assertThat(table.size()).isEqualTo(4);
    }

    @Test
    void shouldLeaveAnEntryAtItsHomeWhenTheHoleBeforeItIsAtTheEndOfTheTable() {
        int mask = IntTable.MIN_CAPACITY - 1;
        int atEnd = firstKeyWithSlot(mask, mask, 1);
        int atStart = firstKeyWithSlot(0, mask, 1);
        int wrapped = firstKeyWithSlot(mask, mask, atEnd + 1);
        IntTable<String> table = new IntTable<>();
        table.put(atEnd, "end");
        table.put(atStart, "start");
        table.put(wrapped, "wrapped"); // home at the end, taken: probes on to the start, taken, and lands next to it

        table.remove(atEnd);

        assertThat(table.get(atStart)).isEqualTo("start");
        assertThat(table.get(wrapped)).isEqualTo("wrapped");
        assertThat(table.get(atEnd)).isNull();
    }

    private static int firstKeyWithSlot(int slot, int mask, int from) {
        int key = from;
        while (IntTable.slot(key, mask) != slot) {
            key++;
        }
        return key;
    }

    @Test
    void shouldRefuseTheReservedKeyZero() {
        assertThatThrownBy(() -> new IntTable<String>().put(0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new IntTable<String>().get(0)).isNull();
    }
}
