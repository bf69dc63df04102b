package network.butter.env;

/**
 * How frames to a peer travel right now: what the wider layer reports as the share of direct, punched and relayed
 * connections.
 */
public enum PathKind {
    /** A connection dialled directly to the peer's address (public, or port-mapped on its router). */
    DIRECT,
    /** A direct connection made by hole punching (coordinated simultaneous open through both NATs). */
    PUNCHED,
    /** A circuit through a relay; TLS between the two peers still runs end to end inside it. */
    RELAYED
}
