package network.butter.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * Reads a protocol payload written by {@link PayloadWriter}. Payloads come from the network, so every read is
 * checked: a short, oversized or malformed payload gives a {@link WireFormatException} naming what was being
 * read, never another exception, and never an allocation larger than the payload itself.
 */
public final class PayloadReader {

    /** The fewest bytes an address takes: its id, a one-byte host with its length, the port. */
    private static final int MIN_ADDRESS_BYTES = PeerId.LENGTH_BYTES + 2 + 1 + 2;

    private final ByteBuffer in;
    private final String what;

    /**
     * @param payload the bytes to read
     * @param what    what the payload is, for error messages (e.g. {@code "heartbeat"})
     */
    public PayloadReader(byte[] payload, String what) {
        this.in = ByteBuffer.wrap(payload);
        this.what = what;
    }

    /** One unsigned byte. */
    public int u8() throws WireFormatException {
        return need(1).get() & 0xFF;
    }

    /** Two bytes, big-endian, unsigned. */
    public int u16() throws WireFormatException {
        return need(2).getShort() & 0xFFFF;
    }

    /** Four bytes, big-endian, unsigned. */
    public long u32() throws WireFormatException {
        return need(4).getInt() & 0xFFFF_FFFFL;
    }

    /** Eight bytes, big-endian. */
    public long u64() throws WireFormatException {
        return need(8).getLong();
    }

    /** Exactly {@code length} bytes. */
    public byte[] raw(int length) throws WireFormatException {
        need(length);
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    /** A u32 length and that many bytes. */
    public byte[] bytes() throws WireFormatException {
        long length = u32();
        if (length > in.remaining()) {
            throw malformed("a field of " + length + " bytes with only " + in.remaining() + " left");
        }
        return raw((int) length);
    }

    /** A u16 length and that many UTF-8 bytes. */
    public String text() throws WireFormatException {
        return new String(raw(u16()), StandardCharsets.UTF_8);
    }

    /** A 32-byte peer id. */
    public PeerId peerId() throws WireFormatException {
        return PeerId.fromBytes(raw(PeerId.LENGTH_BYTES));
    }

    /**
     * A peer address (direct or relayed) as {@link PayloadWriter#address} writes it. Its host must pass {@link #hostProblem}: a peer
     * that names hosts no one can dial, or that would print control characters into our logs, is refused here.
     */
    public PeerAddress address() throws WireFormatException {
        PeerId id = peerId();
        int hostField = u16();
        boolean relayed = (hostField & PayloadWriter.RELAYED_FLAG) != 0;
        byte[] host = raw(hostField & ~PayloadWriter.RELAYED_FLAG);
        String problem = hostProblem(host);
        if (problem != null) {
            throw malformed("a bad address: " + problem);
        }
        int port = u16();
        PeerId relay = relayed ? peerId() : null;
        try {
            return new PeerAddress(id, new String(host, StandardCharsets.US_ASCII), port, relay);
        } catch (IllegalArgumentException e) {
            throw malformed("a bad address: " + e.getMessage());
        }
    }

    /**
     * Why {@code host}, as received from a peer, is not a host name or IP literal, or null if it may be one: the rule
     * of {@link HostPort#hostProblem}, applied to the bytes (any byte outside it, such as one that is not ASCII, is
     * refused rather than turned into a replacement character).
     */
    public static String hostProblem(byte[] host) {
        return HostPort.hostProblem(new String(host, StandardCharsets.ISO_8859_1));
    }

    /** A list of at most {@code max} addresses as {@link PayloadWriter#addresses} writes it. */
    public List<PeerAddress> addresses(int max) throws WireFormatException {
        int count = count(max, MIN_ADDRESS_BYTES);
        List<PeerAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address());
        }
        return addresses;
    }

    /**
     * A count of following items, checked against what is left so a forged count cannot make the reader allocate
     * more than the payload holds.
     *
     * @param minItemBytes the fewest bytes one item takes
     */
    public int count(int max, int minItemBytes) throws WireFormatException {
        int count = u16();
        if (count > max || (long) count * minItemBytes > in.remaining()) {
            throw malformed("a count of " + count + " (at most " + max + ", " + in.remaining() + " bytes left)");
        }
        return count;
    }

    /** Checks that nothing is left over. */
    public void end() throws WireFormatException {
        if (in.hasRemaining()) {
            throw malformed(in.remaining() + " bytes left over");
        }
    }

    /** A {@link WireFormatException} about this payload. */
    public WireFormatException malformed(String problem) {
        return new WireFormatException(ErrorCode.MALFORMED_FRAME, "malformed " + what + ": " + problem);
    }

    private ByteBuffer need(int bytes) throws WireFormatException {
        if (bytes < 0 || in.remaining() < bytes) {
            throw malformed("truncated (needs " + bytes + " more bytes, has " + in.remaining() + ")");
        }
        return in;
    }
}
