package network.butter.node.transport;

import java.util.Arrays;
import java.util.Objects;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;

/**
 * A frame that belongs to the connection between two transports rather than to the request traffic the node sees:
 * an advertised address, and the frames of relay circuits. They share the framing of {@link Frame} (length, type
 * byte, body) with type bytes from {@code 0x10}, drawn in {@code docs/PROTOCOL.md} and encoded by
 * {@link LinkCodec}; the node runtime never sees them.
 */
sealed interface LinkFrame {

    /** Type byte of {@link Advertise}. */
    int ADVERTISE = 0x10;
    /** Type byte of {@link CircuitConnect}. */
    int CIRCUIT_CONNECT = 0x11;
    /** Type byte of {@link CircuitIncoming}. */
    int CIRCUIT_INCOMING = 0x12;
    /** Type byte of {@link CircuitAccept}. */
    int CIRCUIT_ACCEPT = 0x13;
    /** Type byte of {@link CircuitData}. */
    int CIRCUIT_DATA = 0x14;
    /** Type byte of {@link CircuitClose}. */
    int CIRCUIT_CLOSE = 0x15;
    /** The lowest type byte of a link frame: lower ones are {@link Frame}s. */
    int FIRST_TYPE = ADVERTISE;

    /** The frame's type byte on the wire. */
    int type();

    /**
     * The address the sender wants to be reached at, which must carry the sender's own authenticated id: sent before
     * HELLO on a new connection, and again whenever it changes.
     */
    record Advertise(PeerAddress address) implements LinkFrame {
        /** Checks the address is present. */
        public Advertise {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public int type() {
            return ADVERTISE;
        }
    }

    /**
     * Asks a relay for a circuit to {@code target}, over the target's own connection to the relay.
     *
     * @param circuitId chosen by the sender: even if it dialled the connection, odd if it accepted it
     */
    record CircuitConnect(int circuitId, PeerId target) implements LinkFrame {
        /** Checks the target is present. */
        public CircuitConnect {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int type() {
            return CIRCUIT_CONNECT;
        }
    }

    /**
     * A relay tells a node that {@code source} wants a circuit to it; the node answers {@link CircuitAccept} or
     * {@link CircuitClose}. The source is only the relay's claim: the TLS handshake inside the circuit proves it.
     *
     * @param circuitId chosen by the relay, with the same parity rule as {@link CircuitConnect}
     */
    record CircuitIncoming(int circuitId, PeerId source) implements LinkFrame {
        /** Checks the source is present. */
        public CircuitIncoming {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public int type() {
            return CIRCUIT_INCOMING;
        }
    }

    /** The circuit is open end to end: data may flow. */
    record CircuitAccept(int circuitId) implements LinkFrame {
        @Override
        public int type() {
            return CIRCUIT_ACCEPT;
        }
    }

    /** Bytes of the end-to-end TLS stream inside a circuit; a relay forwards them without reading them. */
    record CircuitData(int circuitId, byte[] data) implements LinkFrame {
        /** Checks the data is present. */
        public CircuitData {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return CIRCUIT_DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CircuitData d && d.circuitId == circuitId && Arrays.equals(d.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * circuitId + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "CircuitData[id=" + circuitId + ", " + data.length + " bytes]";
        }
    }

    /** The circuit is closed (or refused), and why; the other end and the relay forget it. */
    record CircuitClose(int circuitId, ErrorCode code, String reason) implements LinkFrame {
        /** Checks the parts are present. */
        public CircuitClose {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public int type() {
            return CIRCUIT_CLOSE;
        }
    }
}
