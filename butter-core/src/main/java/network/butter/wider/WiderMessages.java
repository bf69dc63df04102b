package network.butter.wider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import network.butter.identity.HostPort;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The payloads of the wider layer's routes. Every field is checked on decoding; a bad payload gives a
 * {@link WireFormatException} naming what is wrong.
 *
 * <pre>
 *  host-port:        hostLen u8 | host (ASCII, as HostPort allows) | port u16
 *  dial-back ask:    count u8 (1..8) | count × host-port                      candidates to dial back
 *  dial-back answer: seen u8 (0/1) | [host-port] | count u8 | count × outcome u8
 *                    seen: whether the next field is the address the requester's connection comes from;
 *                    one outcome per candidate, in order (0 reached, 1 unreached, 2 other IP, 3 not tried, 4 wrong peer)
 *  reserve ask:      action u8                                                1 reserve or renew, 0 release
 *  reserve answer:   ttlMs u64 | maxCircuitBytes u64 | maxCircuitDurationMs u64
 *  punch ask:        kind u8 | kind 1 (connect): count u8 | count × host-port; kind 2 (sync): nothing
 *  punch answer:     to connect: count u8 | count × host-port (the responder's candidates); to sync: empty
 * </pre>
 */
public final class WiderMessages {

    /** Punch message kind: the initiator's candidates, asking for the responder's. */
    public static final int PUNCH_CONNECT = 1;
    /** Punch message kind: start now (the responder) and after half a round trip (the initiator). */
    public static final int PUNCH_SYNC = 2;
    /** Reserve action: take or renew a reservation. */
    public static final int RESERVE = 1;
    /** Reserve action: give a reservation up. */
    public static final int RELEASE = 0;

    private WiderMessages() {
    }

    /** A dial-back answer: how the requester was seen, and one outcome per candidate. */
    public record DialbackAnswer(HostPort observed, List<DialbackOutcome> outcomes) {
        /** Copies the outcomes; {@code observed} is null when the peer has no direct connection to the requester. */
        public DialbackAnswer {
            outcomes = List.copyOf(outcomes);
        }
    }

    /** A reservation's terms as the relay grants them. */
    public record ReservationTerms(long ttlMs, long maxCircuitBytes, long maxCircuitDurationMs) {
    }

    /** Encodes a list of host-ports (count u8). */
    public static byte[] encodeHostPorts(List<HostPort> addresses) {
        PayloadWriter out = new PayloadWriter(1 + addresses.size() * 24);
        writeHostPorts(out, addresses);
        return out.toByteArray();
    }

    /** Decodes a list of at most {@code max} host-ports, with nothing after it. */
    public static List<HostPort> decodeHostPorts(byte[] payload, int max, String what) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, what);
        List<HostPort> addresses = readHostPorts(in, max);
        in.end();
        return addresses;
    }

    /** Encodes a dial-back answer. */
    public static byte[] encodeDialbackAnswer(DialbackAnswer answer) {
        PayloadWriter out = new PayloadWriter(32 + answer.outcomes().size());
        out.u8(answer.observed() == null ? 0 : 1);
        if (answer.observed() != null) {
            writeHostPort(out, answer.observed());
        }
        out.u8(answer.outcomes().size());
        answer.outcomes().forEach(outcome -> out.u8(outcome.wire()));
        return out.toByteArray();
    }

    /** Decodes a dial-back answer, which must have exactly {@code candidates} outcomes. */
    public static DialbackAnswer decodeDialbackAnswer(byte[] payload, int candidates) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "dial-back answer");
        int seen = in.u8();
        if (seen > 1) {
            throw in.malformed("seen flag " + seen);
        }
        HostPort observed = seen == 1 ? readHostPort(in) : null;
        int count = in.u8();
        if (count != candidates) {
            throw in.malformed(count + " outcomes for " + candidates + " candidates");
        }
        List<DialbackOutcome> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int wire = in.u8();
            DialbackOutcome outcome = DialbackOutcome.fromWire(wire);
            if (outcome == null) {
                throw in.malformed("unknown outcome " + wire);
            }
            outcomes.add(outcome);
        }
        in.end();
        return new DialbackAnswer(observed, outcomes);
    }

    /** Encodes a reservation's terms. */
    public static byte[] encodeTerms(ReservationTerms terms) {
        return new PayloadWriter(24).u64(terms.ttlMs()).u64(terms.maxCircuitBytes()).u64(terms.maxCircuitDurationMs())
            .toByteArray();
    }

    /** Decodes a reservation's terms; every value must be positive. */
    public static ReservationTerms decodeTerms(byte[] payload) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "reservation");
        ReservationTerms terms = new ReservationTerms(in.u64(), in.u64(), in.u64());
        in.end();
        if (terms.ttlMs() < 1 || terms.maxCircuitBytes() < 1 || terms.maxCircuitDurationMs() < 1) {
            throw in.malformed("terms must be positive: " + terms);
        }
        return terms;
    }

    /** Encodes a punch connect message with this node's candidates. */
    public static byte[] encodePunchConnect(List<HostPort> candidates) {
        PayloadWriter out = new PayloadWriter(2 + candidates.size() * 24).u8(PUNCH_CONNECT);
        writeHostPorts(out, candidates);
        return out.toByteArray();
    }

    /** The punch sync message. */
    public static byte[] encodePunchSync() {
        return new byte[] {PUNCH_SYNC};
    }

    static void writeHostPorts(PayloadWriter out, List<HostPort> addresses) {
        if (addresses.size() > WiderConfig.MAX_CANDIDATES) {
            throw new IllegalArgumentException(addresses.size() + " addresses, at most " + WiderConfig.MAX_CANDIDATES);
        }
        out.u8(addresses.size());
        addresses.forEach(address -> writeHostPort(out, address));
    }

    static List<HostPort> readHostPorts(PayloadReader in, int max) throws WireFormatException {
        int count = in.u8();
        if (count > max) {
            throw in.malformed(count + " addresses, at most " + max);
        }
        List<HostPort> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(readHostPort(in));
        }
        return addresses;
    }

    private static void writeHostPort(PayloadWriter out, HostPort address) {
        byte[] host = address.host().getBytes(StandardCharsets.US_ASCII);
        out.u8(host.length).raw(host).u16(address.port());
    }

    private static HostPort readHostPort(PayloadReader in) throws WireFormatException {
        byte[] host = in.raw(in.u8());
        String problem = PayloadReader.hostProblem(host);
        if (problem != null) {
            throw in.malformed("a bad address: " + problem);
        }
        int port = in.u16();
        if (port < 1) {
            throw in.malformed("port 0");
        }
        return new HostPort(new String(host, StandardCharsets.US_ASCII), port);
    }
}
