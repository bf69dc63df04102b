package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreTimeoutsTest {

    @Test
    void shouldUseTheRequestTimeoutUntilAStoreWasMeasured() {
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 32_000);

        assertThat(timeouts.timeoutMs()).isEqualTo(2_000);
    }

    @Test
    void shouldNeverGoUnderTheRequestTimeoutWhenStoresAreFast() {
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 32_000);
        for (int i = 0; i < 50; i++) {
            timeouts.answered(3);
        }

        assertThat(timeouts.timeoutMs()).isEqualTo(2_000);
    }

    @Test
    void shouldStretchToTheMeasuredRoundTripsWhenStoresTakeLongerThanTheRequestTimeout() {
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 32_000);
        for (int i = 0; i < 50; i++) {
            timeouts.answered(i % 2 == 0 ? 2_500 : 3_500);
        }

        assertThat(timeouts.timeoutMs()).as("smoothed 3 s plus four mean deviations").isBetween(4_500L, 7_000L);
    }

    @Test
    void shouldDoubleAfterEachTimeoutUpToTheCeilingAndComeBackAsAnswersArrive() {
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 20_000);
        timeouts.timedOut(2_000);
        long once = timeouts.timeoutMs();
        assertThat(once).isGreaterThanOrEqualTo(4_000);
        timeouts.timedOut(once);
        assertThat(timeouts.timeoutMs()).isGreaterThan(once);
        for (int i = 0; i < 10; i++) {
            timeouts.timedOut(timeouts.timeoutMs());
        }
        assertThat(timeouts.timeoutMs()).isEqualTo(20_000);

        for (int i = 0; i < 200; i++) {
            timeouts.answered(100);
        }
        assertThat(timeouts.timeoutMs()).isEqualTo(2_000);
    }

    @Test
    void shouldLearnTheTailFromTimeoutsAmongFastAnswers() {
        // Most stores take 300 ms, one in four more than the timeout (a collection pause on a loaded host): the
        // answers alone would bring the timeout back to 2 s after each one, to time out again.
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 32_000);
        for (int i = 0; i < 40; i++) {
            timeouts.answered(300);
        }
        for (int round = 0; round < 20; round++) {
            timeouts.timedOut(timeouts.timeoutMs());
            for (int i = 0; i < 3; i++) {
                timeouts.answered(300);
            }
        }

        assertThat(timeouts.timeoutMs()).as("after answers, still stretched by the timeouts among them")
            .isGreaterThan(4_000);
    }
}
