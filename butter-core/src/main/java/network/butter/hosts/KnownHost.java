package network.butter.hosts;

import network.butter.identity.PeerAddress;

/**
 * A host in a node's known-host list, as last polled.
 *
 * @param address       the host's id and address
 * @param quality       what it said about itself at its last successful poll
 * @param subnet        its network prefix as this node sees it (IPv4 /24, IPv6 /48, or the host name), for diversity
 * @param admittedAtMs  when it was admitted, on the node's clock
 * @param lastSeenMs    when it last answered a poll, on the node's clock
 */
public record KnownHost(PeerAddress address, HostQuality quality, String subnet, long admittedAtMs, long lastSeenMs) {

    /** The diversity class of the host: subnet, uptime bracket and storage bracket. */
    public HostClass hostClass() {
        return HostClass.of(subnet, quality);
    }
}
