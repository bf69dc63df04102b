package network.butter.testbed;

import java.time.Duration;

/**
 * When a real network is ready for storing: enough of its nodes know enough hosts. Storing into a network whose
 * known-host lists are still empty fails with "no candidates among the known hosts" (issue 13: 47 of 100 items of a
 * 300-node real run), although the same network a little later takes every item.
 *
 * @param minKnownHosts hosts a node must know to count as ready
 * @param share         share of the live nodes that must be ready, 0 to 1
 * @param limit         the longest a scenario waits for it; after that it goes on and says how far the network got
 */
public record Readiness(int minKnownHosts, double share, Duration limit) {

    /** How long a real run waits at most for its network to be ready. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(60);

    /** Hosts a node must know at most to count as ready: a storage group of three needs two, and spares. */
    static final int MAX_REQUIRED_HOSTS = 4;

    /** Share of the nodes that must be ready: a few stragglers (just spawned, or overloaded) do not hold a run up. */
    static final double DEFAULT_SHARE = 0.95;

    /** Checks the values. */
    public Readiness {
        if (minKnownHosts < 0) {
            throw new IllegalArgumentException("minKnownHosts must not be negative, got " + minKnownHosts);
        }
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be within (0, 1], got " + share);
        }
        if (limit.isNegative()) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
    }

    /** The rule for a network of {@code nodes}: 95 % of them know {@code min(4, nodes - 1)} hosts, within 60 s. */
    public static Readiness forNodes(int nodes) {
        return new Readiness(Math.min(MAX_REQUIRED_HOSTS, Math.max(0, nodes - 1)), DEFAULT_SHARE, DEFAULT_LIMIT);
    }

    /** How many of the nodes whose known-host counts are {@code knownHosts} count as ready. */
    public int readyNodes(int[] knownHosts) {
        int ready = 0;
        for (int count : knownHosts) {
            if (count >= minKnownHosts) {
                ready++;
            }
        }
        return ready;
    }

    /** Whether a network whose nodes know {@code knownHosts} hosts each is ready; an empty network is not. */
    public boolean met(int[] knownHosts) {
        return knownHosts.length > 0 && readyNodes(knownHosts) >= Math.ceil(share * knownHosts.length - 1e-9);
    }

    /** How far the network got, for the progress stream: e.g. {@code 37/40 nodes know at least 4 hosts}. */
    public String describe(int[] knownHosts) {
        return readyNodes(knownHosts) + "/" + knownHosts.length + " nodes know at least " + minKnownHosts + " hosts";
    }
}
