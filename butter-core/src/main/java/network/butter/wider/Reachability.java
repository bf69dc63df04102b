package network.butter.wider;

/**
 * What a node concluded about whether others can dial it, from peers that dialled its candidate addresses back.
 */
public enum Reachability {
    /** Not known yet, or the last check was inconclusive (too few answers, or answers that disagree). */
    UNKNOWN,
    /** A majority of the peers asked reached one of its addresses: it advertises that address. */
    PUBLIC,
    /** A majority of the peers asked reached none of its addresses: it is reached through relays. */
    PRIVATE
}
