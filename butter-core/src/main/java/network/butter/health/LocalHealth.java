package network.butter.health;

/**
 * Lifeguard's local health multiplier: a score from 0 (healthy) to a maximum that rises when this node's own
 * probes show signs that the fault may be its own (a helper it asked did not even answer) and falls with each
 * probe that went well. Every timeout of the detector is multiplied by {@code 1 + score}, so a node on a slow or
 * lossy link waits longer before it blames others, which keeps its false verdicts down.
 */
final class LocalHealth {

    private final int max;
    private int score;

    LocalHealth(int max) {
        this.max = max;
    }

    /** Something suggested this node is the slow or lossy one. */
    void worse() {
        score = Math.min(max, score + 1);
    }

    /** A probe went as it should. */
    void better() {
        score = Math.max(0, score - 1);
    }

    /** The score now, 0 (healthy) to the maximum. */
    int score() {
        return score;
    }

    /** {@code baseMs} stretched by the score: {@code baseMs * (1 + score)}. */
    long scale(long baseMs) {
        return baseMs * (1 + score);
    }
}
