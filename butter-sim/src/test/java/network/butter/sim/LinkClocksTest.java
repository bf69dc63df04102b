package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LinkClocksTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    @Test
    void shouldKeepEveryBusyLinksLastArrivalThroughGrowthAndSweeps() {
        SplittableRandom random = new SplittableRandom(sims.seed());
        LinkClocks clocks = new LinkClocks();
        Map<Long, Long> reference = new HashMap<>();
        long nowMs = 0;
        for (int step = 0; step < 600_000; step++) {
            nowMs += random.nextInt(3) == 0 ? 1 : 0;
            long link = key(random.nextInt(300), random.nextInt(300)); // past the size where sweeps begin, links repeat
            // What the simulator reads: the later of now and the link's last arrival. A sweep may forget arrivals
            // no later than now, and nothing else.
            assertThat(Math.max(nowMs, clocks.get(link, 0L))).as("seed " + sims.seed())
                .isEqualTo(Math.max(nowMs, reference.getOrDefault(link, 0L)));
            long due = Math.max(nowMs + random.nextInt(50), clocks.get(link, 0L));
            clocks.put(link, due);
            reference.put(link, due);
            clocks.sweep(nowMs);
        }
        for (Map.Entry<Long, Long> entry : reference.entrySet()) {
            if (entry.getValue() > nowMs) {
                assertThat(clocks.get(entry.getKey(), -1L)).as("seed " + sims.seed()).isEqualTo(entry.getValue());
            }
        }
    }

    @Test
    void shouldDropOnlyLinksWithNothingInFlightWhenItSweeps() {
        LinkClocks clocks = new LinkClocks();
        int links = 70_000; // past the size below which it never sweeps
        for (int i = 0; i < links; i++) {
            clocks.put(key(i, i + 1), i % 2 == 0 ? 500 : 501);
        }
        clocks.sweep(500);
        assertThat(clocks.size()).isEqualTo(links / 2);
        assertThat(clocks.get(key(0, 1), -1L)).isEqualTo(-1L);
        assertThat(clocks.get(key(1, 2), -1L)).isEqualTo(501L);
    }

    /** The simulation's link key for two node indexes. */
    private static long key(int from, int to) {
        return (((long) from << 32) | (to & 0xFFFF_FFFFL)) * 0x9E37_79B9_7F4A_7C15L;
    }
}
