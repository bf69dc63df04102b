package network.butter.node.transport;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import network.butter.api.OverloadedException;
import network.butter.env.RelayGate;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuits of one transport: those it relays between two peers, and those it is an end of. The policy (who may
 * open a circuit, with what byte and time limits) comes from the {@link RelayGate} of the wider layer; this class
 * only moves bytes, enforces those limits ({@link RelayedCircuit} does, on each circuit it relays), and keeps its
 * own caps: {@value #MAX_CIRCUITS_PER_CONNECTION} circuits per connection and
 * {@value #MAX_BUFFERED_BYTES_PER_CIRCUIT} bytes queued per circuit for a connection that cannot take more. Circuit
 * ids are chosen by whoever opens the circuit on a connection: even by the end that dialled it, odd by the other,
 * so both ends can open circuits without clashing. Runs on the node loop.
 */
final class Circuits {

    /** The most circuits (relayed or ended here) one connection carries at a time. */
    static final int MAX_CIRCUITS_PER_CONNECTION = 32;
    /** The most bytes a circuit may have queued for a connection that cannot take more before it is closed. */
    static final int MAX_BUFFERED_BYTES_PER_CIRCUIT = 1024 * 1024;
    /** The largest piece of a circuit's stream in one CIRCUIT_DATA frame, in bytes. */
    static final int MAX_DATA_CHUNK_BYTES = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(Circuits.class);

    private final NettyTransport transport;
    private final Map<Connection, Map<Integer, CircuitEnd>> ends = new HashMap<>();
    private final Map<Connection, Map<Integer, RelayedCircuit.Leg>> legs = new HashMap<>();
    private final Map<Connection, Integer> nextIds = new HashMap<>();
    private final Set<PeerId> acceptedRelays = new HashSet<>();
    private RelayGate gate;
    private UnaryOperator<byte[]> forwarding = UnaryOperator.identity();
    private UnaryOperator<PeerId> routing = UnaryOperator.identity();

    Circuits(NettyTransport transport) {
        this.transport = transport;
    }

    NettyTransport transport() {
        return transport;
    }

    void serve(RelayGate gate) {
        this.gate = gate;
    }

    void acceptVia(PeerId relay, boolean accept) {
        if (accept) {
            acceptedRelays.add(relay);
        } else {
            acceptedRelays.remove(relay);
        }
    }

    /** What a relay does to the bytes it forwards: nothing, except in a test of a relay that tampers. */
    void forwardWith(UnaryOperator<byte[]> operator) {
        this.forwarding = operator;
    }

    /** Which peer a relay forwards a circuit to: the one asked for, except in a test of a relay that lies. */
    void routeWith(UnaryOperator<PeerId> operator) {
        this.routing = operator;
    }

    /**
     * Asks the relay at the other end of {@code relay} for a circuit to {@code target}.
     *
     * @return completes when the connection inside the circuit is ready, with the target's proven address; fails if
     *         the relay refuses, or does not open the circuit within the connect timeout (then the handshake inside
     *         has its own timeout, as on any connection)
     */
    CompletableFuture<PeerAddress> connect(Connection relay, PeerId target) {
        CompletableFuture<PeerAddress> opened = new CompletableFuture<>();
        if (count(relay) >= MAX_CIRCUITS_PER_CONNECTION) {
            opened.completeExceptionally(new OverloadedException("cannot open a circuit to " + target + " via "
                + relay.label() + ": " + MAX_CIRCUITS_PER_CONNECTION + " circuits are open on that connection"));
            return opened;
        }
        int id = nextId(relay);
        CircuitEnd end = new CircuitEnd(this, relay, id, target, true, opened);
        ends.computeIfAbsent(relay, c -> new HashMap<>()).put(id, end);
        relay.sendLink(new LinkFrame.CircuitConnect(id, target));
        ScheduledFuture<?> timeout = transport.loop().schedule(() -> {
            if (!end.started()) {
                end.giveUp("the relay did not open the circuit within " + NettyTransport.CONNECT_TIMEOUT_MS + " ms");
            }
        }, NettyTransport.CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        opened.whenComplete((address, error) -> timeout.cancel(false));
        return opened;
    }

    /** A circuit frame arrived on a direct, ready connection. */
    void onFrame(Connection connection, LinkFrame frame) {
        switch (frame) {
            case LinkFrame.CircuitConnect c -> onConnect(connection, c);
            case LinkFrame.CircuitIncoming i -> onIncoming(connection, i);
            case LinkFrame.CircuitAccept a -> onAccept(connection, a.circuitId());
            case LinkFrame.CircuitData d -> onData(connection, d);
            case LinkFrame.CircuitClose c -> onClose(connection, c);
            case LinkFrame.Advertise a -> throw new IllegalArgumentException("not a circuit frame: " + a);
        }
    }

    /** A connection closed: every circuit on it ends, and relayed ones are closed at their other end too. */
    void onConnectionClosed(Connection connection) {
        Map<Integer, CircuitEnd> endsHere = ends.remove(connection);
        if (endsHere != null) {
            for (CircuitEnd end : new ArrayList<>(endsHere.values())) {
                end.closedByRelay("the connection to the relay closed");
            }
        }
        Map<Integer, RelayedCircuit.Leg> legsHere = legs.remove(connection);
        if (legsHere != null) {
            for (RelayedCircuit.Leg leg : new ArrayList<>(legsHere.values())) {
                leg.circuit().close(leg.other(), ErrorCode.IDLE, "the relay lost its connection to "
                    + leg.connection().label());
            }
        }
        nextIds.remove(connection);
    }

    /** An end is done with its circuit. */
    void forget(CircuitEnd end) {
        Map<Integer, CircuitEnd> endsHere = ends.get(end.relay());
        if (endsHere != null && endsHere.get(end.circuitId()) == end) {
            endsHere.remove(end.circuitId());
        }
    }

    private void onConnect(Connection from, LinkFrame.CircuitConnect request) {
        int id = request.circuitId();
        if (!validNewId(from, id)) {
            return;
        }
        PeerId target = routing.apply(request.target());
        String refusal = refusalToRelay(from, target);
        if (refusal != null) {
            log.debug("refusing a circuit from {} to {}: {}", from.label(), target, refusal);
            from.sendLink(new LinkFrame.CircuitClose(id, ErrorCode.OVERLOADED, refusal));
            return;
        }
        Connection to = transport.directConnection(target);
        RelayGate.Decision decision = gate.openCircuit(from.peer(), from.remoteAddress().getHostAddress(), target);
        if (decision instanceof RelayGate.Refused refused) {
            from.sendLink(new LinkFrame.CircuitClose(id, ErrorCode.OVERLOADED, refused.reason()));
            return;
        }
        RelayGate.Allowed limits = (RelayGate.Allowed) decision;
        int toId = nextId(to);
        RelayedCircuit circuit = new RelayedCircuit(this, from, id, to, toId, limits, gate);
        legs.computeIfAbsent(from, c -> new HashMap<>()).put(id, circuit.a());
        legs.computeIfAbsent(to, c -> new HashMap<>()).put(toId, circuit.b());
        to.sendLink(new LinkFrame.CircuitIncoming(toId, from.peer()));
    }

    /** Why this node will not relay a circuit from {@code from} to {@code target}, or null if it asks the gate. */
    private String refusalToRelay(Connection from, PeerId target) {
        if (gate == null) {
            return "this node is not a relay";
        }
        if (count(from) >= MAX_CIRCUITS_PER_CONNECTION) {
            return MAX_CIRCUITS_PER_CONNECTION + " circuits are open on this connection";
        }
        Connection to = transport.directConnection(target);
        if (to == null) {
            return "peer " + target + " is not connected to this relay";
        }
        if (count(to) >= MAX_CIRCUITS_PER_CONNECTION) {
            return MAX_CIRCUITS_PER_CONNECTION + " circuits are open to " + target;
        }
        return null;
    }

    private void onIncoming(Connection relay, LinkFrame.CircuitIncoming incoming) {
        int id = incoming.circuitId();
        if (!validNewId(relay, id)) {
            return;
        }
        String refusal = !acceptedRelays.contains(relay.peer()) ? "this node accepts no circuits via " + relay.peer()
            : count(relay) >= MAX_CIRCUITS_PER_CONNECTION ? MAX_CIRCUITS_PER_CONNECTION + " circuits are open"
            : null;
        if (refusal != null) {
            log.debug("refusing a circuit from {} via {}: {}", incoming.source(), relay.label(), refusal);
            relay.sendLink(new LinkFrame.CircuitClose(id, ErrorCode.OVERLOADED, refusal));
            return;
        }
        CircuitEnd end = new CircuitEnd(this, relay, id, incoming.source(), false, null);
        ends.computeIfAbsent(relay, c -> new HashMap<>()).put(id, end);
        relay.sendLink(new LinkFrame.CircuitAccept(id));
        end.start();
    }

    private void onAccept(Connection connection, int id) {
        CircuitEnd end = endOf(connection, id);
        if (end != null) {
            if (end.asking() && !end.started()) {
                end.start();
            }
            return;
        }
        RelayedCircuit.Leg leg = legOf(connection, id);
        if (leg != null && leg == leg.circuit().b()) {
            leg.circuit().accepted();
        }
    }

    private void onData(Connection connection, LinkFrame.CircuitData data) {
        CircuitEnd end = endOf(connection, data.circuitId());
        if (end != null) {
            end.onData(data.data());
            return;
        }
        RelayedCircuit.Leg leg = legOf(connection, data.circuitId());
        if (leg != null) {
            leg.circuit().forward(leg, data.data());
        }
    }

    private void onClose(Connection connection, LinkFrame.CircuitClose close) {
        CircuitEnd end = endOf(connection, close.circuitId());
        if (end != null) {
            end.closedByRelay("the circuit was closed: " + close.reason());
            return;
        }
        RelayedCircuit.Leg leg = legOf(connection, close.circuitId());
        if (leg != null) {
            leg.circuit().close(leg.other(), close.code(), close.reason());
        }
    }

    /** Whether {@code id} may name a new circuit opened by the peer on {@code connection}; if not, says so. */
    private boolean validNewId(Connection connection, int id) {
        boolean peerParity = (id & 1) == (connection.outbound() ? 1 : 0);
        if (!peerParity || endOf(connection, id) != null || legOf(connection, id) != null) {
            connection.sendLink(new LinkFrame.CircuitClose(id, ErrorCode.PROTOCOL_ERROR,
                "circuit id " + id + " is in use or has the wrong parity"));
            return false;
        }
        return true;
    }

    private CircuitEnd endOf(Connection connection, int id) {
        Map<Integer, CircuitEnd> endsHere = ends.get(connection);
        return endsHere == null ? null : endsHere.get(id);
    }

    private RelayedCircuit.Leg legOf(Connection connection, int id) {
        Map<Integer, RelayedCircuit.Leg> legsHere = legs.get(connection);
        return legsHere == null ? null : legsHere.get(id);
    }

    private int count(Connection connection) {
        return ends.getOrDefault(connection, Map.of()).size() + legs.getOrDefault(connection, Map.of()).size();
    }

    private int nextId(Connection connection) {
        int id = nextIds.getOrDefault(connection, connection.outbound() ? 0 : 1);
        while (endOf(connection, id) != null || legOf(connection, id) != null) {
            id += 2;
        }
        nextIds.put(connection, id + 2);
        return id;
    }

    /** What a relay does to the bytes it forwards. */
    byte[] forward(byte[] data) {
        return forwarding.apply(data);
    }

    /** A relayed circuit has finished: its legs are forgotten. */
    void forget(RelayedCircuit.Leg leg) {
        Map<Integer, RelayedCircuit.Leg> legsHere = legs.get(leg.connection());
        if (legsHere != null) {
            legsHere.remove(leg.id());
        }
    }
}
