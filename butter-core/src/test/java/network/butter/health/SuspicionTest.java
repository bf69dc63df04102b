package network.butter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

class SuspicionTest {

    private static PeerId peer() {
        return NodeIdentity.generate(new SecureRandom()).peerId();
    }

    @Test
    void shouldShrinkFromMaxToMinLogarithmicallyWithEachNewConfirmation() {
        Suspicion suspicion = new Suspicion(2_000, 8_000, 3);
        PeerId first = peer();

        assertThat(suspicion.durationMs()).isEqualTo(8_000);
        assertThat(suspicion.confirm(first)).isTrue();
        assertThat(suspicion.durationMs()).as("8000 - 6000 * log 2 / log 4").isEqualTo(5_000);
        assertThat(suspicion.confirm(first)).as("one helper counts once").isFalse();
        assertThat(suspicion.durationMs()).isEqualTo(5_000);
        suspicion.confirm(peer());
        suspicion.confirm(peer());
        assertThat(suspicion.durationMs()).isEqualTo(2_000);
        assertThat(suspicion.confirm(peer())).as("no more than the helpers asked").isFalse();
        assertThat(suspicion.confirmations()).isEqualTo(3);
    }

    @Test
    void shouldLastTheMaximumWhenNobodyCanConfirm() {
        Suspicion alone = new Suspicion(2_000, 8_000, 0);

        assertThat(alone.confirm(peer())).isFalse();
        assertThat(alone.durationMs()).isEqualTo(8_000);
        assertThatThrownBy(() -> new Suspicion(5, 4, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStretchTimeoutsWhileThisNodeLooksUnhealthyAndRecover() {
        LocalHealth health = new LocalHealth(2);

        assertThat(health.scale(500)).isEqualTo(500);
        health.worse();
        health.worse();
        health.worse();
        assertThat(health.score()).as("capped").isEqualTo(2);
        assertThat(health.scale(500)).isEqualTo(1_500);
        health.better();
        health.better();
        health.better();
        assertThat(health.score()).isZero();
    }

    @Test
    void shouldRejectSettingsOutOfRange() {
        assertThat(HealthConfig.defaults().withSuspicion(1_000, 4_000).suspicionMaxMs()).isEqualTo(4_000);
        assertThatThrownBy(() -> HealthConfig.defaults().withSuspicion(5_000, 4_000))
            .hasMessageContaining("suspicionMinMs");
        assertThatThrownBy(() -> HealthConfig.defaults().withIndirectProbes(17)).hasMessageContaining("indirectProbes");
    }
}
