package network.butter.testbed.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import network.butter.identity.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdversaryTest {

    @Test
    void shouldChooseTheSameMaliciousNodesFromTheSameSeed() {
        Adversary adversary = new Adversary(0.1, Attack.TRIM);

        Set<Integer> first = adversary.chooseMalicious(250, 7);

        assertThat(adversary.chooseMalicious(250, 7)).isEqualTo(first);
        assertThat(new Adversary(0.1, Attack.FLOOD).chooseMalicious(250, 7)).as("whatever the attack").isEqualTo(first);
        assertThat(adversary.chooseMalicious(250, 8)).as("another seed, other nodes").isNotEqualTo(first);
    }

    @Test
    void shouldChooseTheFractionOfTheNodesRoundedToTheNearestNode() {
        assertThat(new Adversary(0.1, Attack.TRIM).chooseMalicious(250, 1)).hasSize(25).allMatch(i -> i >= 0 && i < 250);
        assertThat(new Adversary(0.1, Attack.TRIM).maliciousCount(44)).isEqualTo(4);
        assertThat(new Adversary(0.2, Attack.TRIM).chooseMalicious(20, 1)).hasSize(4);
        assertThat(Adversary.none().chooseMalicious(250, 1)).isEmpty();
        assertThat(Adversary.none().active(250)).isFalse();
        assertThat(new Adversary(0.001, Attack.TRIM).active(250)).as("a quarter of a node rounds to none").isFalse();
    }

    @Test
    void shouldRefuseAFractionOutsideNoneToHalf() {
        assertThatThrownBy(() -> new Adversary(0.51, Attack.ALL)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("within 0..0.5");
        assertThatThrownBy(() -> new Adversary(-0.1, Attack.ALL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Adversary(Double.NaN, Attack.ALL)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Attack.class)
    void shouldParseEveryAttackByItsLabel(Attack attack) {
        assertThat(Attack.parse(" " + attack.label().toUpperCase(java.util.Locale.ROOT) + " ")).isEqualTo(attack);
    }

    @Test
    void shouldRefuseAnUnknownAttackNamingTheChoices() {
        assertThatThrownBy(() -> Attack.parse("worm")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unknown attack 'worm': use one of trim|tombstone|sybil-leader|lying-summary|flood|all");
    }

    @Test
    void shouldRunEveryAttackOnEveryNodeForAll() {
        assertThat(Attack.ALL.newBehaviours()).extracting(AttackBehaviour::name)
            .containsExactlyInAnyOrder("trim", "tombstone", "sybil-leader", "lying-summary", "flood");
        assertThat(Attack.TRIM.newBehaviours()).singleElement().isInstanceOf(TrimAttack.class);
        assertThat(Attack.ALL.groundIds()).isTrue();
        assertThat(Attack.TOMBSTONE.groundIds()).isFalse();
    }

    @Test
    void shouldGrindHighIdsTheSameWayFromTheSameSeed() {
        SybilIds ids = new SybilIds(42);
        NodeIdentity first = ids.next();
        NodeIdentity second = ids.next();

        SybilIds again = new SybilIds(42);
        assertThat(again.next().peerId()).isEqualTo(first.peerId());
        assertThat(again.next().peerId()).isEqualTo(second.peerId());
        assertThat(SybilIds.high(first.peerId())).isTrue();
        assertThat(SybilIds.high(second.peerId())).isTrue();
        assertThat(first.peerId()).isNotEqualTo(second.peerId());
    }
}
