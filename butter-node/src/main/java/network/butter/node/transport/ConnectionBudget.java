package network.butter.node.transport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import network.butter.api.Limits;

/**
 * Who may hold a connection, in the manner of libp2p's resource manager: inbound connections still in their
 * handshake (TLS, then the peer's HELLO) live in a small budget of their own, {@link Limits#maxUnauthenticatedConnections()},
 * with at most {@link Limits#maxUnauthenticatedPerIp()} from one source address; only once authenticated do they
 * take one of the {@link Limits#maxConnections()} slots, with at most {@link Limits#maxInboundPerIp()} inbound
 * from one source address. Outbound connections take a slot from the start: the node chose to open them.
 *
 * <p>Garbage (raw bytes, stalled handshakes, keys that never say HELLO) can therefore only ever fill the
 * handshake budget, where the oldest is evicted to make room for the newest, and never keeps an honest
 * peer out of the connection slots. Runs on the node's event loop.
 */
final class ConnectionBudget {

    private final Limits limits;
    /** Inbound connections not yet authenticated, oldest first. */
    private final Set<Connection> unauthenticated = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> unauthenticatedByAddress = new HashMap<>();
    /** Connections holding a slot, oldest first: outbound from their start, inbound once authenticated. */
    private final Set<Connection> established = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> inboundByAddress = new HashMap<>();

    ConnectionBudget(Limits limits) {
        this.limits = limits;
    }

    /** Why a new inbound TCP connection from {@code address} may not even start its handshake, or null if it may. */
    String refusalOfHandshake(InetAddress address) {
        int fromAddress = unauthenticatedByAddress.getOrDefault(address, 0);
        return fromAddress < limits.maxUnauthenticatedPerIp() ? null : fromAddress + " connections from "
            + address.getHostAddress() + " are in their handshake (limit " + limits.maxUnauthenticatedPerIp() + ")";
    }

    /** The oldest connection in its handshake if the handshake budget is full, to close to make room; else null. */
    Connection handshakeToEvict() {
        return unauthenticated.size() < limits.maxUnauthenticatedConnections() ? null : unauthenticated.iterator().next();
    }

    /** Counts a new inbound connection in the handshake budget. */
    void startHandshake(Connection connection) {
        unauthenticated.add(connection);
        unauthenticatedByAddress.merge(connection.remoteAddress(), 1, Integer::sum);
    }

    /** Why an inbound connection from {@code address} that has just authenticated may not take a slot, or null. */
    String refusalByAddress(InetAddress address) {
        int fromAddress = inboundByAddress.getOrDefault(address, 0);
        return fromAddress < limits.maxInboundPerIp() ? null : "node has " + fromAddress + " connections from "
            + address.getHostAddress() + ", its limit per address";
    }

    /** What a peer refused because every slot is taken is told. */
    String atLimit() {
        return "node at its connection limit (" + limits.maxConnections() + " connections)";
    }

    /** Whether every slot is taken. */
    boolean full() {
        return established.size() >= limits.maxConnections();
    }

    /** Moves an authenticated inbound connection from the handshake budget into a slot. */
    void authenticate(Connection connection) {
        removeUnauthenticated(connection);
        established.add(connection);
        inboundByAddress.merge(connection.remoteAddress(), 1, Integer::sum);
    }

    /** Gives an outbound connection a slot. */
    void open(Connection connection) {
        established.add(connection);
    }

    /** The inbound connections holding slots, oldest first, as candidates to free a slot. */
    Iterable<Connection> inbound() {
        return established.stream().filter(connection -> !connection.outbound()).toList();
    }

    /** Frees whatever the connection held. */
    void release(Connection connection) {
        if (unauthenticated.contains(connection)) {
            removeUnauthenticated(connection);
        } else if (established.remove(connection) && !connection.outbound()) {
            decrement(inboundByAddress, connection.remoteAddress());
        }
    }

    /** Connections holding a slot now. */
    int establishedCount() {
        return established.size();
    }

    private void removeUnauthenticated(Connection connection) {
        if (unauthenticated.remove(connection)) {
            decrement(unauthenticatedByAddress, connection.remoteAddress());
        }
    }

    private static void decrement(Map<InetAddress, Integer> counts, InetAddress address) {
        counts.computeIfPresent(address, (key, count) -> count > 1 ? count - 1 : null);
    }
}
