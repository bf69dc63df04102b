package network.butter.testbed;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.protocol.NodeState;

/**
 * What the malicious nodes of a run did and what it cost the honest ones.
 *
 * @param adversary      the attack and malicious fraction of the run
 * @param maliciousNodes how many nodes were malicious
 * @param wrongReads     reads that returned bytes other than those put (checked against the original bytes)
 * @param honestPeak     the largest figures of any honest node at any sample: bytes stored, groups, tombstones
 * @param honestBySample the largest figures of any honest node at each sample, aligned with the run's samples
 * @param counters       what the attackers sent and what honest nodes answered, e.g. {@code trim.sent}
 */
public record AttackOutcome(Adversary adversary, int maliciousNodes, int wrongReads, NodeState honestPeak,
                            List<NodeState> honestBySample, Map<String, Long> counters) {

    /** Copies the lists and map. */
    public AttackOutcome {
        Objects.requireNonNull(adversary, "adversary");
        Objects.requireNonNull(honestPeak, "honestPeak");
        honestBySample = List.copyOf(honestBySample);
        counters = Map.copyOf(counters);
    }

    /** Whether any node was malicious: only then does the summary line show these figures. */
    public boolean active() {
        return maliciousNodes > 0;
    }
}
