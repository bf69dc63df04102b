package network.butter.wider;

import java.util.List;
import java.util.Objects;
import network.butter.identity.PeerAddress;

/**
 * What the wider layer concluded, for the CLI and applications: the reachability verdict, the addresses others
 * should use, best first, and whether this node serves as an ambassador.
 *
 * @param reachability the verdict of the last conclusive check ({@link Reachability#UNKNOWN} until one)
 * @param advertised   the addresses peers should use: the dialled-back direct addresses when public, the relayed
 *                     addresses through the relays holding reservations when private (or presumed private: no
 *                     verdict yet, but a peer saw this node behind a NAT); otherwise empty while unknown
 * @param ambassador   whether this node serves as an ambassador now
 */
public record WiderState(Reachability reachability, List<PeerAddress> advertised, boolean ambassador) {

    /** The state before any check. */
    public static final WiderState INITIAL = new WiderState(Reachability.UNKNOWN, List.of(), false);

    /** Copies the list. */
    public WiderState {
        Objects.requireNonNull(reachability, "reachability");
        advertised = List.copyOf(advertised);
    }

    /**
     * One line for a user: {@code public 203.0.113.7:7000}, {@code private, relayed via id@host:port},
     * {@code private, no relay yet}, {@code unknown, behind a NAT, relayed via id@host:port} (presumed private before a
     * verdict) or {@code unknown}.
     */
    public String describe() {
        return switch (reachability) {
            case UNKNOWN -> advertised.isEmpty() ? "unknown"
                : "unknown, behind a NAT, relayed via " + advertised.getFirst().relayAddress();
            case PUBLIC -> advertised.isEmpty() ? "public" : "public " + advertised.getFirst().hostPort();
            case PRIVATE -> advertised.isEmpty() ? "private, no relay yet"
                : "private, relayed via " + advertised.getFirst().relayAddress();
        };
    }
}
