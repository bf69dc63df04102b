package network.butter.testbed;

import java.util.Locale;

/**
 * How churn kills a node. On the internet most failures are silent (power loss, a NAT dropping its state): peers
 * learn of them only from their own timeouts, so a protocol must be measured under those too, not only under
 * deaths every peer notices at once.
 */
public enum Deaths {

    /** The node crashes and its peers see the connection reset: every death is noticed at once. */
    CRASH,

    /** The node's links go dark: no reset, no refusal; frames to it vanish and dials to it time out (sim only). */
    SILENT,

    /** Each death is a crash or silent, 50/50, drawn from the run's seed (sim only). */
    MIXED;

    /** The name as typed on a command line and printed in summaries: {@code crash}, {@code silent} or {@code mixed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a kind of death from its label, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values if {@code text} is none of them
     */
    public static Deaths parse(String text) {
        for (Deaths deaths : values()) {
            if (deaths.label().equalsIgnoreCase(text.strip())) {
                return deaths;
            }
        }
        throw new IllegalArgumentException("unknown kind of death '" + text + "': use crash, silent or mixed");
    }
}
