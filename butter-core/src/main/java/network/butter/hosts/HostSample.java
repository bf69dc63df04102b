package network.butter.hosts;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.PayloadReader;
import network.butter.wire.WireFormatException;

/**
 * A peer-exchange answer: some of a node's known hosts.
 *
 * <pre>
 *  count u8 | count × ( peer id (32 bytes) | hostLen u8 | host | port u16 )
 *  relayed host:        peer id (32 bytes) | 0 u8 | hostLen u8 | relay host | relay port u16 | relay id (32 bytes)
 * </pre>
 *
 * A host must pass {@link PayloadReader#hostProblem}, like every address on the wire. A host length of 0 (never a
 * valid host) marks a relayed address, so direct ones keep their form byte for byte.
 */
public final class HostSample {

    /** Most hosts in one sample. */
    public static final int MAX_HOSTS = 255;

    private HostSample() {
    }

    /** Encodes up to {@link #MAX_HOSTS} addresses. */
    public static byte[] encode(List<PeerAddress> hosts) {
        List<PeerAddress> sample = hosts.subList(0, Math.min(hosts.size(), MAX_HOSTS));
        int size = 1;
        for (PeerAddress host : sample) {
            size += PeerId.LENGTH_BYTES + 1 + host.host().length() + 2 + (host.isRelayed() ? 1 + PeerId.LENGTH_BYTES : 0);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) sample.size());
        for (PeerAddress host : sample) {
            byte[] name = host.host().getBytes(StandardCharsets.US_ASCII);
            out.put(host.id().toBytes());
            if (host.isRelayed()) {
                out.put((byte) 0);
            }
            out.put((byte) name.length).put(name).putShort((short) host.port());
            if (host.isRelayed()) {
                out.put(host.relay().toBytes());
            }
        }
        return out.array();
    }

    /**
     * Decodes a sample.
     *
     * @throws WireFormatException saying what is wrong with it
     */
    public static List<PeerAddress> decode(byte[] bytes) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int count = in.get() & 0xFF;
            List<PeerAddress> hosts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] id = new byte[PeerId.LENGTH_BYTES];
                in.get(id);
                int length = in.get() & 0xFF;
                boolean relayed = length == 0;
                byte[] name = new byte[relayed ? in.get() & 0xFF : length];
                in.get(name);
                String problem = PayloadReader.hostProblem(name);
                if (problem != null) {
                    throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "bad address in host sample: " + problem);
                }
                int port = in.getShort() & 0xFFFF;
                PeerId relay = null;
                if (relayed) {
                    byte[] relayId = new byte[PeerId.LENGTH_BYTES];
                    in.get(relayId);
                    relay = PeerId.fromBytes(relayId);
                }
                hosts.add(new PeerAddress(PeerId.fromBytes(id), new String(name, StandardCharsets.US_ASCII), port, relay));
            }
            if (in.hasRemaining()) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, in.remaining() + " bytes after a host sample");
            }
            return hosts;
        } catch (BufferUnderflowException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "truncated host sample");
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "bad address in host sample: " + e.getMessage());
        }
    }
}
