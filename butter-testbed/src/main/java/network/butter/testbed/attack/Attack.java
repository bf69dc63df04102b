package network.butter.testbed.attack;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The attacks a malicious node can run in the testbed, as {@code --attack} names them; {@link #ALL} runs every
 * other one on every malicious node.
 */
public enum Attack {
    /** Sends {@code TRIM(block, no live members)} to every member it learns of, and withholds its own copies. */
    TRIM("trim"),
    /** Answers fetches with self-signed tombstones, sends them to members and non-holders, floods junk ones. */
    TOMBSTONE("tombstone"),
    /** Ground high ids claim membership of groups, lead them, never repair them, and trim honest members. */
    SYBIL_LEADER("sybil-leader"),
    /** Advertises all-ones summaries, claims every block in queries and answers every fetch with absent. */
    LYING_SUMMARY("lying-summary"),
    /** BFS queries with the largest TTL, heartbeats full of tombstones, bursts of requests to protocol routes. */
    FLOOD("flood"),
    /** Every attack above at once. */
    ALL("all");

    private final String label;

    Attack(String label) {
        this.label = label;
    }

    /** The name as typed, e.g. {@code sybil-leader}. */
    public String label() {
        return label;
    }

    /**
     * The single attacks this one stands for: itself, or every other one for {@link #ALL}, in the order their
     * route handlers wrap each other (the last answers first: a fetch gets the forged tombstone).
     */
    public List<Attack> parts() {
        return this == ALL ? List.of(LYING_SUMMARY, TRIM, SYBIL_LEADER, FLOOD, TOMBSTONE) : List.of(this);
    }

    /** Fresh behaviours for one malicious node: one per part, in the order of {@link #parts()}. */
    public List<AttackBehaviour> newBehaviours() {
        return parts().stream().map(Attack::newBehaviour).toList();
    }

    private AttackBehaviour newBehaviour() {
        return switch (this) {
            case TRIM -> new TrimAttack();
            case TOMBSTONE -> new TombstoneAttack();
            case SYBIL_LEADER -> new SybilLeaderAttack();
            case LYING_SUMMARY -> new LyingSummaryAttack();
            case FLOOD -> new FloodAttack();
            case ALL -> throw new IllegalStateException("all is made of the other attacks");
        };
    }

    /** Whether malicious nodes of this attack run under ground high ids. */
    public boolean groundIds() {
        return parts().contains(SYBIL_LEADER);
    }

    /**
     * The attack named {@code text}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Attack parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (Attack attack : values()) {
            if (attack.label.equals(wanted)) {
                return attack;
            }
        }
        throw new IllegalArgumentException("unknown attack '" + text + "': use one of "
            + Arrays.stream(values()).map(Attack::label).collect(Collectors.joining("|")));
    }
}
