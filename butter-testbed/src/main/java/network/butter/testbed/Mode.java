package network.butter.testbed;

import java.util.Locale;

/**
 * Where a scenario's nodes run. The scenario code is the same in both; only the {@link Cluster} differs.
 */
public enum Mode {

    /** Simulated nodes in virtual time ({@link SimCluster}): fast, and reproducible bit for bit from the seed. */
    SIM,

    /** Real nodes with real sockets on 127.0.0.1 in this JVM ({@link RealCluster}): wall-clock time. */
    REAL;

    /** The name as typed on a command line and printed in summaries: {@code sim} or {@code real}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a mode from its label, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values if {@code text} is neither
     */
    public static Mode parse(String text) {
        for (Mode mode : values()) {
            if (mode.label().equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "': use sim or real");
    }
}
