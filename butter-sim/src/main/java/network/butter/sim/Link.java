package network.butter.sim;

import network.butter.env.PathKind;
import network.butter.identity.HostPort;

/**
 * One side's view of an open connection between two simulated nodes.
 *
 * @param peer            the node at the other end
 * @param peerIncarnation the incarnation of that node the connection was made to
 * @param kind            how it was made: dialled, punched, or a circuit through a relay
 * @param local           this side's endpoint as the peer sees it (a router's public address and port for a node
 *                        behind a NAT), or null for this node's own listening address; null on a circuit
 * @param remote          the peer's endpoint as this side sees it, or null for the peer's own listening address;
 *                        null on a circuit
 * @param circuit         the relayed circuit carrying it, or null for a direct connection
 */
record Link(SimNode peer, int peerIncarnation, PathKind kind, HostPort local, HostPort remote, Circuit circuit) {
}
