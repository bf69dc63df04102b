package network.butter.node.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import network.butter.env.RelayGate;
import network.butter.identity.PeerId;

/** A relay gate that gives every circuit the same answer and records what it was asked and told. */
final class RecordingGate implements RelayGate {

    /** A circuit the gate was asked about. */
    record Asked(PeerId from, String fromHost, PeerId target) {
    }

    /** A circuit the gate was told has closed. */
    record Closed(PeerId from, PeerId target, long bytes, long durationMs) {
    }

    final List<Asked> asked = new CopyOnWriteArrayList<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();
    private final Decision decision;

    RecordingGate(Decision decision) {
        this.decision = decision;
    }

    /** A gate that allows every circuit with generous limits. */
    static RecordingGate allowingAll() {
        return new RecordingGate(new Allowed(64L * 1024 * 1024, 60_000));
    }

    @Override
    public Decision openCircuit(PeerId from, String fromHost, PeerId target) {
        asked.add(new Asked(from, fromHost, target));
        return decision;
    }

    @Override
    public void circuitClosed(PeerId from, PeerId target, long bytes, long durationMs) {
        closed.add(new Closed(from, target, bytes, durationMs));
    }
}
