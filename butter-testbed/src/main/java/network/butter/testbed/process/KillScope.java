package network.butter.testbed.process;

import java.util.Locale;

/**
 * What a death takes down in process mode when a host runs several nodes.
 *
 * <p>{@link #PROCESS} is a machine crash: {@code SIGKILL} of the host, every node in it gone at once with nothing
 * flushed. {@link #NODE} ends only the chosen node, at once and without grace (as real mode's deaths), the host and
 * its other nodes running on: with many nodes per JVM (to fit 1,000 real nodes on one machine) it keeps each node's
 * chance to die that of the run rather than multiplying it by the nodes of its process.
 */
public enum KillScope {
    /** {@code SIGKILL} of the node's whole host process. */
    PROCESS,
    /** The node alone, closed at once inside its host. */
    NODE;

    /**
     * Reads {@code process} or {@code node}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted words
     */
    public static KillScope parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "process" -> PROCESS;
            case "node" -> NODE;
            default -> throw new IllegalArgumentException("expected 'process' or 'node', got '" + text + "'");
        };
    }

    /** The word {@link #parse} reads, for summaries. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
