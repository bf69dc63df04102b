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
    void shouldDoubleAfterEachTimeoutUpToTheCeilingAndComeBackOnTheNextAnswer() {
        StoreTimeouts timeouts = new StoreTimeouts(2_000, 20_000);
        timeouts.timedOut();
        assertThat(timeouts.timeoutMs()).isEqualTo(4_000);
        timeouts.timedOut();
        assertThat(timeouts.timeoutMs()).isEqualTo(8_000);
        for (int i = 0; i < 10; i++) {
            timeouts.timedOut();
        }
        assertThat(timeouts.timeoutMs()).isEqualTo(20_000);

        timeouts.answered(100);
        assertThat(timeouts.timeoutMs()).isEqualTo(2_000);
    }
}
