package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

class QueryBudgetTest {

    private static PeerId peer(int n) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) n;
        return PeerId.fromBytes(key);
    }

    private static int taken(QueryBudget budget, PeerId peer, int tries, long nowMs) {
        int taken = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.take(peer, nowMs)) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void shouldRefuseBeyondTheBurstAndRefillAtTheSustainedRate() {
        QueryBudget budget = new QueryBudget(QueryLimits.defaults().withBudget(10, 20));

        assertThat(taken(budget, peer(1), 50, 1_000)).as("the burst").isEqualTo(20);
        assertThat(taken(budget, peer(1), 50, 1_500)).as("half a second at 10/s").isEqualTo(5);
        assertThat(taken(budget, peer(2), 50, 1_500)).as("another peer's budget is its own").isEqualTo(20);
        assertThat(taken(budget, peer(1), 50, 60_000)).as("a long quiet spell refills only the burst").isEqualTo(20);
    }

    @Test
    void shouldRememberAtMostTheTrackedPeersForgettingTheLeastRecentlyHeard() {
        QueryBudget budget = new QueryBudget(new QueryLimits(3, 64, 10, 5, 2));
        taken(budget, peer(1), 5, 0);
        taken(budget, peer(2), 5, 0);
        taken(budget, peer(1), 1, 0);

        taken(budget, peer(3), 1, 0);

        assertThat(budget.tracked()).isEqualTo(2);
        assertThat(budget.take(peer(1), 0)).as("heard most recently, still spent").isFalse();
        assertThat(budget.take(peer(2), 0)).as("forgotten, so a fresh burst").isTrue();
    }
}
