package network.butter.node.transport;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import network.butter.env.RelayGate;
import network.butter.wire.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit this node relays between two peers: its two legs (a connection and the circuit's id on it), the limits
 * the gate gave it and what it has carried. It forwards {@code CIRCUIT_DATA} from one leg to the other unread,
 * closes both legs when it reaches its byte or time limit or when too much of it waits for a connection that
 * cannot take more, and tells the gate when it has closed. Runs on the node loop.
 */
final class RelayedCircuit {

    /** One side of a relayed circuit: a connection and the circuit's id on it. */
    record Leg(RelayedCircuit circuit, Connection connection, int id) {
        /** The leg at the other end of the circuit. */
        Leg other() {
            return this == circuit.a ? circuit.b : circuit.a;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(RelayedCircuit.class);

    private final Circuits circuits;
    private final Leg a;
    private final Leg b;
    private final RelayGate.Allowed limits;
    private final RelayGate allowedBy;
    private final long openedAtNanos = System.nanoTime();
    private final ScheduledFuture<?> deadline;
    private final Map<Leg, Long> waiting = new HashMap<>();
    private boolean open;
    private boolean closed;
    private long bytes;

    /**
     * @param from      the connection of the peer that asked for the circuit, and the id it chose
     * @param to        the target's connection, and the id this node chose on it
     * @param limits    what the gate allowed
     * @param allowedBy the gate to tell when the circuit closes
     */
    RelayedCircuit(Circuits circuits, Connection from, int fromId, Connection to, int toId, RelayGate.Allowed limits,
                   RelayGate allowedBy) {
        this.circuits = circuits;
        this.a = new Leg(this, from, fromId);
        this.b = new Leg(this, to, toId);
        this.limits = limits;
        this.allowedBy = allowedBy;
        this.deadline = circuits.transport().loop().schedule(() -> closeBoth(ErrorCode.IDLE,
            "the circuit reached its time limit of " + limits.maxDurationMs() + " ms"),
            limits.maxDurationMs(), TimeUnit.MILLISECONDS);
    }

    /** The asking peer's leg. */
    Leg a() {
        return a;
    }

    /** The target's leg. */
    Leg b() {
        return b;
    }

    /** The target took the circuit: tell the source, and let data flow. */
    void accepted() {
        open = true;
        a.connection().sendLink(new LinkFrame.CircuitAccept(a.id()));
    }

    /** Forwards bytes that arrived on {@code from} to the other leg, within the circuit's limits. */
    void forward(Leg from, byte[] data) {
        if (!open) {
            closeBoth(ErrorCode.PROTOCOL_ERROR, "data before the circuit was open");
            return;
        }
        if (bytes + data.length > limits.maxBytes()) {
            closeBoth(ErrorCode.OVERLOADED, "the circuit reached its limit of " + limits.maxBytes() + " bytes");
            return;
        }
        bytes += data.length;
        Leg to = from.other();
        if (!to.connection().writable()) {
            long queued = waiting.merge(to, (long) data.length, Long::sum);
            if (queued > Circuits.MAX_BUFFERED_BYTES_PER_CIRCUIT) {
                closeBoth(ErrorCode.OVERLOADED, "more than " + Circuits.MAX_BUFFERED_BYTES_PER_CIRCUIT
                    + " bytes of the circuit wait for " + to.connection().label());
                return;
            }
        } else {
            waiting.remove(to);
        }
        to.connection().sendLink(new LinkFrame.CircuitData(to.id(), circuits.forward(data)));
    }

    /** Closes the circuit, telling {@code tell} (the other leg already knows). */
    void close(Leg tell, ErrorCode code, String reason) {
        if (closed) {
            return;
        }
        tell.connection().sendLink(new LinkFrame.CircuitClose(tell.id(), code, reason));
        finish();
    }

    /** Closes the circuit, telling both legs why. */
    void closeBoth(ErrorCode code, String reason) {
        if (closed) {
            return;
        }
        log.debug("closing the circuit from {} to {}: {}", a.connection().label(), b.connection().label(), reason);
        a.connection().sendLink(new LinkFrame.CircuitClose(a.id(), code, reason));
        b.connection().sendLink(new LinkFrame.CircuitClose(b.id(), code, reason));
        finish();
    }

    private void finish() {
        closed = true;
        deadline.cancel(false);
        for (Leg leg : List.of(a, b)) {
            circuits.forget(leg);
        }
        allowedBy.circuitClosed(a.connection().peer(), b.connection().peer(), bytes,
            (System.nanoTime() - openedAtNanos) / 1_000_000);
    }
}
