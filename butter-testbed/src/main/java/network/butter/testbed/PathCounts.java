package network.butter.testbed;

import java.util.Locale;

/**
 * Connections the nodes of a run opened so far, by how they were made: what a run with nodes behind NATs reports as
 * the share of direct, punched and relayed connections. Each connection counts once, when it opens.
 *
 * @param direct       connections dialled to a peer's address (public, port-mapped, or inside one home LAN)
 * @param punched      connections opened by hole punching
 * @param relayed      circuits opened through a relay
 * @param relayedBytes bytes of frames carried through relays
 */
public record PathCounts(long direct, long punched, long relayed, long relayedBytes) {

    /** Nothing counted: a cluster that does not count paths (real nodes), or a run before any connection. */
    public static final PathCounts NONE = new PathCounts(0, 0, 0, 0);

    /** Connections of every kind. */
    public long total() {
        return direct + punched + relayed;
    }

    /** {@code part} as a percentage of {@link #total()}; 0 when nothing was counted. */
    public double percent(long part) {
        long total = total();
        return total == 0 ? 0 : 100.0 * part / total;
    }

    /** The summary's form, e.g. {@code direct=80.1% punched=12.0% relayed=7.9% relayedBytes=123456}. */
    public String summary() {
        return String.format(Locale.ROOT, "direct=%.1f%% punched=%.1f%% relayed=%.1f%% relayedBytes=%d",
            percent(direct), percent(punched), percent(relayed), relayedBytes);
    }
}
