package network.butter.testbed.attack;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Who attacks a churn run: {@code fraction} of the initial nodes are malicious and run {@code attack}. Malicious
 * nodes are chosen from the run's seed by a random stream of their own, so the scenario's other decisions (who
 * stores, who dies among the honest nodes) draw the same numbers as in a run without attackers. Malicious nodes
 * keep running through churn (an attacker keeps its nodes up) and the reader at the end is always honest.
 *
 * @param fraction share of the nodes that are malicious, 0 (none) to {@link #MAX_FRACTION}
 * @param attack   what they do
 */
public record Adversary(double fraction, Attack attack) {

    /** The largest malicious share: beyond a half, "honest majority" questions no longer make sense. */
    public static final double MAX_FRACTION = 0.5;

    /** Salt of the malicious nodes' own random stream. */
    private static final long SALT = 0x6d616c6963696f75L;

    /** Checks the values. */
    public Adversary {
        Objects.requireNonNull(attack, "attack");
        if (!(fraction >= 0 && fraction <= MAX_FRACTION)) {
            throw new IllegalArgumentException("the malicious fraction must be within 0..0.5, got " + fraction);
        }
    }

    /** No attackers: the run is exactly the run without this feature. */
    public static Adversary none() {
        return new Adversary(0, Attack.ALL);
    }

    /** Whether any node is malicious in a network of {@code nodes}. */
    public boolean active(int nodes) {
        return maliciousCount(nodes) > 0;
    }

    /** How many of {@code nodes} nodes are malicious: the fraction, rounded to the nearest node. */
    public int maliciousCount(int nodes) {
        return (int) Math.round(fraction * nodes);
    }

    /**
     * The spawning indices (0 to {@code nodes - 1}) of the malicious nodes among the initial ones, chosen from
     * {@code seed} alone, so a seed always picks the same ones.
     */
    public Set<Integer> chooseMalicious(int nodes, long seed) {
        List<Integer> indices = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            indices.add(i);
        }
        SplittableRandom random = new SplittableRandom(seed ^ SALT);
        int count = maliciousCount(nodes);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(nodes - i);
            indices.set(i, indices.set(j, indices.get(i)));
        }
        return new TreeSet<>(indices.subList(0, count));
    }

    /** The seed of the attackers' own decisions (ground ids, junk content), derived from the run's seed. */
    public long attackSeed(long seed) {
        return new SplittableRandom(seed ^ SALT).split().nextLong();
    }

    /** The fraction as typed, e.g. {@code 0.1}. */
    public String fractionLabel() {
        return BigDecimal.valueOf(fraction).stripTrailingZeros().toPlainString();
    }
}
