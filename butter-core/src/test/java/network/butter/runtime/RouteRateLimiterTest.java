package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import network.butter.api.PeerBudget;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

/** How much state the per-peer token buckets keep for a node that talks with many peers now and then. */
class RouteRateLimiterTest {

    private static final String ROUTE = "butter/test/route";

    private static PeerId peer(int index) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) index;
        key[1] = (byte) (index >> 8);
        return PeerId.fromBytes(key);
    }

    @Test
    void shouldForgetPeersWhoseBucketsHaveRefilledOnceNewPeersArrive() {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(10, 2, 1000));
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.acquire(peer(i), ROUTE, 0)).isZero();
        }
        for (int i = 100; i < 200; i++) {
            assertThat(limiter.acquire(peer(i), ROUTE, 1000)).isZero();
        }

        assertThat(limiter.trackedPeers()).as("the first 100 refilled within 100 ms and are forgotten").isEqualTo(100);
    }

    @Test
    void shouldKeepLimitingAPeerThroughSweepsUntilItsBucketHasRefilled() {
        RouteRateLimiter limiter = new RouteRateLimiter(new PeerBudget(10, 2, 1000));
        PeerId busy = peer(1000);
        assertThat(limiter.acquire(busy, ROUTE, 0)).isZero();
        assertThat(limiter.acquire(busy, ROUTE, 0)).isZero();
        for (int i = 0; i < 200; i++) {
            limiter.acquire(peer(i), ROUTE, 50);
        }

        assertThat(limiter.acquire(busy, ROUTE, 50)).as("half a token back after 50 ms: still refused").isPositive();
        assertThat(limiter.acquire(busy, ROUTE, 350)).as("refilled after 300 ms more").isZero();
        assertThat(limiter.acquire(busy, ROUTE, 350)).isZero();
        assertThat(limiter.acquire(busy, ROUTE, 350)).as("a full burst of 2, no more").isPositive();
    }
}
