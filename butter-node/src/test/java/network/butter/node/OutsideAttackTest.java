package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import network.butter.api.Limits;
import org.junit.jupiter.api.Test;

/**
 * A node attacked from outside its JVM keeps serving: a separate attacker process on another loopback address
 * holds stalled TCP connections and half TLS records, tries TLS without a certificate, with a certificate that is no
 * Butter key, with throwaway keys that never say HELLO and with throwaway keys that say HELLO and idle, then floods
 * the node with {@value #FLOOD} raw-garbage connections. While it runs, a legitimate peer's request every
 * {@value OutsideAttack#PACE_MS} ms all succeed with bounded latency, a brand-new peer is served, throwaway keys
 * beyond the per-address cap are told GOAWAY OVERLOADED, and the whole attack costs a few lines of log.
 */
class OutsideAttackTest {

    /** Default limits, but fewer connections per address, so that the attacker need not open as many. */
    private static final Limits LIMITS = Limits.defaults().withMaxInboundPerIp(8);
    private static final int FLOOD = 2_000;
    private static final int MAX_ATTACK_SECONDS = 10;
    private static final long SEED = 0xBAD_C0FFEEL;
    private static final long MAX_LOG_BYTES = 4_096;
    private static final double MAX_P99_MS = 2_000;

    @Test
    void shouldServeLegitimatePeersDuringAFloodOfHostileConnectionsFromAnotherProcess() throws Exception {
        OutsideAttack attack = OutsideAttack.run(LIMITS, FLOOD, MAX_ATTACK_SECONDS, SEED);

        String context = attack.summaryLine() + " (seed " + SEED + ")";
        System.out.println(context);
        assertThat(attack.failures()).as(context).isEmpty();
        assertThat(attack.requestsDuringAttack()).as(context)
            .isGreaterThanOrEqualTo(attack.attackMs() / OutsideAttack.PACE_MS / 2);
        assertThat(attack.p99LatencyMs()).as(context).isLessThan(MAX_P99_MS);
        assertThat(attack.newcomerError()).as(context).isNull();
        assertThat(attack.newcomerServed()).as(context).isTrue();
        assertThat(attack.attackerSummary()).as(context)
            .contains("flood=" + FLOOD + " floodClosedByNode=" + FLOOD)
            .contains("tlsRefused=20/20")
            .contains("idleKeysAdmitted=" + LIMITS.maxInboundPerIp() + " idleKeysOverloaded=" + OutsideAttack.EXTRA_IDLE_KEYS);
        assertThat(attack.logBytes()).as(context).isLessThan(MAX_LOG_BYTES);
    }
}
