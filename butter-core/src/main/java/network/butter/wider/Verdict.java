package network.butter.wider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import network.butter.identity.HostPort;

/**
 * The outcome of one reachability check, and the rule that reaches it from the peers' answers.
 *
 * <p>The rule: an answer counts if its peer actually dialled at least one candidate (answers where every candidate
 * was refused for another IP or not tried say nothing). With fewer than {@code minAnswers} counted answers the check
 * is inconclusive ({@code conclusive} false, and the node keeps its previous verdict). Otherwise a candidate that a
 * strict majority of counted answers reached is <em>confirmed</em>; if any is, the node is {@link Reachability#PUBLIC}
 * and advertises the confirmed candidates, most confirmations first (ties in candidate order). If a strict majority
 * reached no candidate at all, it is {@link Reachability#PRIVATE}. Anything between (peers disagree) is
 * {@link Reachability#UNKNOWN}.
 *
 * @param reachability the verdict
 * @param confirmed    the candidates a majority reached, best first; empty unless public
 * @param counted      how many answers counted
 * @param conclusive   whether enough answers counted for a verdict
 */
public record Verdict(Reachability reachability, List<HostPort> confirmed, int counted, boolean conclusive) {

    /** Copies the list. */
    public Verdict {
        confirmed = List.copyOf(confirmed);
    }

    /**
     * Applies the rule above.
     *
     * @param candidates the candidates asked about, in order of preference
     * @param answers    per answering peer, the outcome for each candidate (same order; shorter lists mean not tried)
     * @param minAnswers answers needed for a verdict
     */
    public static Verdict decide(List<HostPort> candidates, List<List<DialbackOutcome>> answers, int minAnswers) {
        int counted = 0;
        int reachedNone = 0;
        Map<HostPort, Integer> reachedBy = new HashMap<>();
        for (List<DialbackOutcome> answer : answers) {
            if (answer.stream().noneMatch(DialbackOutcome::tried)) {
                continue;
            }
            counted++;
            boolean any = false;
            for (int i = 0; i < answer.size() && i < candidates.size(); i++) {
                if (answer.get(i) == DialbackOutcome.REACHED) {
                    reachedBy.merge(candidates.get(i), 1, Integer::sum);
                    any = true;
                }
            }
            if (!any) {
                reachedNone++;
            }
        }
        if (counted < minAnswers) {
            return new Verdict(Reachability.UNKNOWN, List.of(), counted, false);
        }
        List<HostPort> confirmed = new ArrayList<>();
        for (HostPort candidate : candidates) {
            if (2 * reachedBy.getOrDefault(candidate, 0) > counted && !confirmed.contains(candidate)) {
                confirmed.add(candidate);
            }
        }
        confirmed.sort(Comparator.comparingInt((HostPort c) -> -reachedBy.get(c)));
        if (!confirmed.isEmpty()) {
            return new Verdict(Reachability.PUBLIC, confirmed, counted, true);
        }
        return new Verdict(2 * reachedNone > counted ? Reachability.PRIVATE : Reachability.UNKNOWN, List.of(), counted,
            true);
    }
}
