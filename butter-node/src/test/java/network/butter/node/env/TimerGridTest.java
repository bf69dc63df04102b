package network.butter.node.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimerGridTest {

    private static final long GRID_NANOS = TimeUnit.MILLISECONDS.toNanos(TimerGrid.GRID_MS);
    private static final long SEED = 20261202L;
    private static final int TIMERS = 500;
    private static final int SPREAD_MS = 300;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stopLoop() throws Exception {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRoundEveryDelayUpToTheNextGridPointAndNeverBelowIt() {
        Random random = new Random(SEED);
        for (int i = 0; i < 10_000; i++) {
            long now = random.nextLong() / 2;
            long delay = i % 10 == 0 ? 0 : random.nextLong(TimeUnit.SECONDS.toNanos(100));
            long rounded = TimerGrid.nextPointDelayNanos(now, delay);
            assertThat(rounded).as("seed %d, now %d, delay %d", SEED, now, delay)
                .isGreaterThanOrEqualTo(delay).isLessThan(delay + GRID_NANOS);
            assertThat(Math.floorMod(now + rounded, GRID_NANOS)).as("seed %d, now %d, delay %d", SEED, now, delay)
                .isZero();
        }
    }

    @Test
    void shouldFireEveryTimerAtTheFirstGridPointAfterItsDelayNotAtItsOwnInstant() {
        EventExecutor loop = group.next();
        Random random = new Random(SEED);
        ConcurrentLinkedQueue<long[]> fired = new ConcurrentLinkedQueue<>();
        loop.execute(() -> {
            for (int i = 0; i < TIMERS; i++) {
                long delayMs = random.nextInt(SPREAD_MS);
                long scheduledNanos = System.nanoTime();
                TimerGrid.schedule(loop, delayMs, () -> fired.add(new long[] {scheduledNanos, delayMs, System.nanoTime()}));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> fired.size() == TIMERS);

        for (long[] timer : fired) {
            long dueNanos = timer[0] + TimeUnit.MILLISECONDS.toNanos(timer[1]);
            long gridPointNanos = Math.floorDiv(dueNanos + GRID_NANOS - 1, GRID_NANOS) * GRID_NANOS;
            // at the grid point, not at its own instant: so the timers of one grid point wake the loop once
            assertThat(timer[2]).as("seed %d: a timer of %d ms fired %d ns before its grid point", SEED, timer[1],
                gridPointNanos - timer[2]).isGreaterThanOrEqualTo(gridPointNanos);
        }
    }

    @Test
    void shouldNotRunACancelledTimer() {
        EventExecutor loop = group.next();
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean later = new AtomicBoolean();
        TimerGrid.schedule(loop, 20, () -> ran.set(true)).cancel(false);
        TimerGrid.schedule(loop, 40, () -> later.set(true));
        await().atMost(Duration.ofSeconds(30)).untilTrue(later);
        assertThat(ran).isFalse();
    }
}
