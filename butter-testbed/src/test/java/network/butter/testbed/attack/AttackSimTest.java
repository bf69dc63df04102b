package network.butter.testbed.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import network.butter.testbed.ChurnConfig;
import network.butter.testbed.ChurnResult;
import network.butter.testbed.Mode;
import network.butter.testbed.Testbed;
import network.butter.testbed.protocol.PcgStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each attack in a small simulated churn run: shown to run by the counters of what it sent, and shown to fail by
 * what honest nodes answered (the owned-block storage refuses forged tombstones and trims from non-leaders) and by
 * the reader getting every item back intact. Fixed seeds, printed in every assertion's description with the run's
 * summary.
 */
class AttackSimTest {

    private static final long SEED = 11;

    private static ChurnConfig small(long seed) {
        return ChurnConfig.builder().mode(Mode.SIM).nodes(24).items(8).itemBytes(512).chanceToDie(0.02)
            .grace(Duration.ofSeconds(2)).form(Duration.ofSeconds(3)).churn(Duration.ofSeconds(6))
            .settle(Duration.ofSeconds(5)).seed(seed).build();
    }

    private static ChurnResult run(Attack attack, double fraction) {
        return Testbed.runChurn(small(SEED), new Adversary(fraction, attack), new PcgStorage(), phase -> { });
    }

    private static String described(ChurnResult result) {
        return "seed " + SEED + ": " + result.summaryLine() + " " + result.attack().counters();
    }

    private static long counter(ChurnResult result, String name) {
        return result.attack().counters().getOrDefault(name, 0L);
    }

    @Test
    void shouldRunExactlyAsWithoutTheFeatureWhenNoNodeIsMalicious() {
        ChurnResult plain = Testbed.runChurn(small(SEED), new PcgStorage(), phase -> { });
        ChurnResult none = run(Attack.ALL, 0);

        assertThat(none.traceHash()).as(described(none)).isEqualTo(plain.traceHash()).isPresent();
        assertThat(none.summaryLine().replaceAll(" wall=\\S+", ""))
            .isEqualTo(plain.summaryLine().replaceAll(" wall=\\S+", ""))
            .doesNotContain("malicious=", "wrong=");
        assertThat(none.attack().counters()).isEmpty();
    }

    @Test
    void shouldRepeatAnAttackedRunExactlyFromItsSeed() {
        ChurnResult first = run(Attack.TRIM, 0.25);
        ChurnResult second = run(Attack.TRIM, 0.25);

        assertThat(second.traceHash()).as(described(first)).isEqualTo(first.traceHash()).isPresent();
        assertThat(second.attack().counters()).isEqualTo(first.attack().counters());
    }

    @Test
    void shouldSendTrimsThatHonestMembersRefuseFromANonLeader() {
        ChurnResult result = run(Attack.TRIM, 0.25);

        assertThat(result.attack().maliciousNodes()).isEqualTo(6);
        assertThat(result.summaryLine()).contains("malicious=0.25 attack=trim maliciousNodes=6");
        assertThat(counter(result, "trim.sent:butter/pcg/trim")).as(described(result)).isPositive();
        assertThat(counter(result, "trim.kept")).as(described(result)).isPositive();
        assertThat(counter(result, "trim.droppedByLowerRank")).as(described(result)).isZero();
        // A member in no group of the block answers "not held" (HostilePeersSimTest), so "dropped" means a real drop;
        // the only ones allowed are trims of a hot group by an attacker that really leads it, holding the copy.
        assertThat(counter(result, "trim.droppedWhileNotHolding")).as(described(result)).isZero();
        assertThat(result.retrieved()).as(described(result)).isEqualTo(result.itemsStored());
    }

    @Test
    void shouldRefuseTombstonesTheAttackerForgedForBlocksItDoesNotOwn() {
        ChurnResult result = run(Attack.TOMBSTONE, 0.25);

        assertThat(counter(result, "tombstone.sent:butter/pcg/delete")).as(described(result)).isPositive();
        assertThat(counter(result, "tombstone.goneReplies")).as(described(result)).isPositive();
        assertThat(counter(result, "tombstone.forgedRefused")).as(described(result)).isPositive();
        assertThat(counter(result, "tombstone.forgedApplied")).as(described(result)).isZero();
        assertThat(result.attack().wrongReads()).as(described(result)).isZero();
        assertThat(result.retrieved()).as(described(result)).isEqualTo(result.itemsStored());
    }

    @Test
    void shouldKeepTheValidTombstonesOfBlocksTheAttackerOwns() {
        ChurnResult result = run(Attack.TOMBSTONE, 0.25);

        assertThat(counter(result, "tombstone.junkApplied")).as(described(result)).isPositive();
        assertThat(result.attack().honestPeak().tombstones()).as(described(result)).isPositive();
    }

    @Test
    void shouldNotLetASybilTrimAMemberThatOutranksItWhateverIdItGround() {
        ChurnResult result = run(Attack.SYBIL_LEADER, 0.25);

        assertThat(counter(result, "sybil-leader.sent:butter/pcg/store")).as(described(result)).isPositive();
        assertThat(counter(result, "sybil-leader.sent:butter/pcg/beat")).as(described(result)).isPositive();
        assertThat(counter(result, "sybil-leader.sent:butter/pcg/trim")).as(described(result)).isPositive();
        assertThat(counter(result, "sybil-leader.trimmedByLowerRank")).as(described(result)).isZero();
        assertThat(result.retrieved()).as(described(result)).isEqualTo(result.itemsStored());
    }

    @Test
    void shouldSendAllOnesSummariesToItsSubscribersAndCostNoRead() {
        // Whether the liars draw any query or fetch depends on the run: all-ones summaries are refused as
        // implausibly full, so only a read that falls back to asking around reaches them (and then gets "absent").
        ChurnResult result = run(Attack.LYING_SUMMARY, 0.25);

        assertThat(counter(result, "lying-summary.subscribers")).as(described(result)).isPositive();
        assertThat(counter(result, "lying-summary.sent:butter/retrieve/summary")).as(described(result)).isPositive();
        assertThat(result.retrieved()).as(described(result)).isEqualTo(result.itemsStored());
        assertThat(result.attack().wrongReads()).as(described(result)).isZero();
    }

    /** Longer than the global per-test limit: every flooded tombstone is an Ed25519 signature and checks. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldFloodWithQueriesTombstonesAndBurstsWithinItsBounds() {
        ChurnResult result = run(Attack.FLOOD, 0.25);
        Map<String, Long> counters = result.attack().counters();

        assertThat(counter(result, "flood.sent:butter/retrieve/query")).as(described(result))
            .isPositive().isLessThanOrEqualTo(6L * FloodAttack.MAX_QUERIES * 24);
        assertThat(counter(result, "flood.sent:butter/pcg/beat")).as(described(result)).isPositive();
        assertThat(counters.getOrDefault("flood.sent", 0L)).as(described(result))
            .isLessThanOrEqualTo(6L * Attacker.MAX_SENDS);
        assertThat(result.attack().honestPeak().tombstones()).as(described(result))
            .isGreaterThanOrEqualTo(FloodAttack.TOMBSTONES_PER_BEAT);
    }
}
