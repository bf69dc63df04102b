package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import network.butter.api.PeerBudget;
import network.butter.identity.PeerId;

/**
 * Properties of the per-peer token buckets over random arrival patterns (jqwik prints the seed on failure): never
 * more than the budget, never a refusal of a peer that keeps to its rate, and a retry delay that is honest.
 */
class RouteRateLimiterProperties {

    private static final String ROUTE = "butter/test/route";
    private static final PeerId PEER = PeerId.fromBytes(new byte[PeerId.LENGTH_BYTES]);

    /** Arrival times in ms, non-decreasing, with bursts (several at one instant) and gaps. */
    private static long[] arrivals(long seed, int count, int maxGapMs) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] times = new long[count];
        long now = 0;
        for (int i = 0; i < count; i++) {
            now += random.nextInt(4) == 0 ? 0 : random.nextInt(maxGapMs + 1);
            times[i] = now;
        }
        return times;
    }

    @Property(tries = 150)
    void shouldNeverAdmitMoreThanTheBurstPlusTheRefillOfAnyInterval(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 2000) int rate,
            @ForAll @IntRange(min = 1, max = 500) int burst, @ForAll @IntRange(min = 0, max = 50) int maxGapMs) {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(rate, burst, 4));
        List<Long> admitted = new ArrayList<>();
        for (long now : arrivals(seed, 2000, maxGapMs)) {
            if (limiter.acquire(PEER, ROUTE, now) == 0) {
                admitted.add(now);
            }
        }
        for (int i = 0; i < admitted.size(); i += 37) {
            for (int j = i; j < admitted.size(); j++) {
                long spanMs = admitted.get(j) - admitted.get(i);
                assertThat((long) (j - i + 1)).as("admitted within %d ms", spanMs)
                    .isLessThanOrEqualTo(burst + rate * spanMs / 1000);
            }
        }
    }

    @Property(tries = 150)
    void shouldAdmitEveryRequestOfAPeerThatKeepsToItsRate(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 2000) int rate,
            @ForAll @IntRange(min = 1, max = 500) int burst) {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(rate, burst, 4));
        long spacingMs = (1000 + rate - 1) / rate;
        SplittableRandom random = new SplittableRandom(seed);
        long now = random.nextInt(1_000_000);
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.acquire(PEER, ROUTE, now)).as("request %d at %d ms", i, now).isZero();
            now += spacingMs + random.nextInt(3);
        }
    }

    @Property(tries = 150)
    void shouldAdmitARefusedPeerOnceItWaitsTheRetryDelayItWasGiven(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 2000) int rate,
            @ForAll @IntRange(min = 1, max = 500) int burst, @ForAll @IntRange(min = 0, max = 20) int maxGapMs) {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(rate, burst, 4));
        long last = 0;
        long retryAfterMs = 0;
        for (long now : arrivals(seed, 3000, maxGapMs)) {
            last = now;
            retryAfterMs = limiter.acquire(PEER, ROUTE, now);
        }
        if (retryAfterMs > 0) {
            assertThat(limiter.acquire(PEER, ROUTE, last + retryAfterMs - 1)).as("one ms early").isPositive();
            assertThat(limiter.acquire(PEER, ROUTE, last + retryAfterMs)).as("after %d ms", retryAfterMs).isZero();
        }
    }
}
