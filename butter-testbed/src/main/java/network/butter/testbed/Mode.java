package network.butter.testbed;

import java.util.Locale;

/**
 * Where a scenario's nodes run. The scenario code is the same in every mode; only the {@link Cluster} differs.
 */
public enum Mode {

    /** Simulated nodes in virtual time ({@link SimCluster}): fast, and reproducible bit for bit from the seed. */
    SIM,

    /** Real nodes with real sockets on 127.0.0.1 in this JVM ({@link RealCluster}): wall-clock time. */
    REAL,

    /**
     * Real nodes in separate {@code butter} processes on 127.0.0.1 ({@link network.butter.testbed.process.ProcessCluster}),
     * reached only through their control API; deaths are {@code SIGKILL}, and a share of the dead restart from their
     * data directories. Wall-clock time.
     */
    PROCESSES;

    /** The name as typed on a command line and printed in summaries: {@code sim}, {@code real} or {@code processes}. */
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
        throw new IllegalArgumentException("unknown mode '" + text + "': use sim, real or processes");
    }
}
