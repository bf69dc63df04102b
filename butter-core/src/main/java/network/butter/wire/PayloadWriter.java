package network.butter.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;

/**
 * Builds a protocol payload in network byte order. The counterpart of {@link PayloadReader}: protocols write their
 * messages with one and read them with the other, so every message format is a short, readable sequence of calls.
 */
public final class PayloadWriter {

    /** Bit of an address's host length that marks a relayed address (hosts are at most 255 bytes). */
    public static final int RELAYED_FLAG = 0x8000;

    private final ByteArrayOutputStream out;

    /** An empty payload with room for {@code expectedBytes} before it grows. */
    public PayloadWriter(int expectedBytes) {
        this.out = new ByteArrayOutputStream(Math.max(16, expectedBytes));
    }

    /** Appends one byte (the low 8 bits of {@code value}). */
    public PayloadWriter u8(int value) {
        out.write(value);
        return this;
    }

    /** Appends two bytes, big-endian. */
    public PayloadWriter u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    /** Appends four bytes, big-endian. */
    public PayloadWriter u32(long value) {
        u16((int) (value >>> 16));
        return u16((int) value);
    }

    /** Appends eight bytes, big-endian. */
    public PayloadWriter u64(long value) {
        u32(value >>> 32);
        return u32(value);
    }

    /** Appends the bytes as they are (a fixed-size field the reader knows the length of). */
    public PayloadWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** Appends a u32 length and the bytes. */
    public PayloadWriter bytes(byte[] bytes) {
        u32(bytes.length);
        return raw(bytes);
    }

    /** Appends a u16 length and the UTF-8 bytes of {@code text}. */
    public PayloadWriter text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("text of " + utf8.length + " bytes does not fit a u16 length");
        }
        u16(utf8.length);
        return raw(utf8);
    }

    /**
     * Appends a peer address: the 32-byte id, the host as text, the port as u16. A relayed address sets bit 15 of the
     * host's length and appends the relay's 32-byte id after the port, so direct addresses keep their old form.
     */
    public PayloadWriter address(PeerAddress address) {
        raw(address.id().toBytes());
        byte[] host = address.host().getBytes(StandardCharsets.US_ASCII);
        if (host.length > HostPort.MAX_HOST_CHARS) {
            throw new IllegalArgumentException("host of " + host.length + " bytes is longer than " + HostPort.MAX_HOST_CHARS);
        }
        u16(address.isRelayed() ? host.length | RELAYED_FLAG : host.length);
        raw(host);
        u16(address.port());
        if (address.isRelayed()) {
            raw(address.relay().toBytes());
        }
        return this;
    }

    /** Appends a u16 count, then each address as {@link #address} writes it. */
    public PayloadWriter addresses(List<PeerAddress> addresses) {
        u16(addresses.size());
        addresses.forEach(this::address);
        return this;
    }

    /** The payload written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
