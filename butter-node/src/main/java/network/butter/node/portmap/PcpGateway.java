package network.butter.node.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import network.butter.identity.HostPort;

/**
 * PCP (RFC 6887) client: a MAP request for TCP to the default gateway on UDP port 5351, as a bounded
 * {@link UdpExchange}. The same nonce serves the mapping, its renewals and its deletion (lifetime 0), as the RFC
 * requires; an answer for another nonce, protocol or port is refused. A gateway that speaks only NAT-PMP answers
 * "unsupported version", and the mapper then asks by NAT-PMP.
 *
 * <pre>
 *  MAP request, 60 bytes                          MAP response, 60 bytes
 *  +-------+-------+---------------+              +-------+-------+-------+-------+
 *  | 2     | 1     | 0 0           |              | 2     | 129   | 0     | result|
 *  +-------+-------+---------------+              +-------+-------+-------+-------+
 *  | requested lifetime, seconds   |              | granted lifetime, seconds     |
 *  +-------------------------------+              +-------------------------------+
 *  | client IP (16, IPv4-mapped)   |              | epoch (4), reserved (12)      |
 *  +-------------------------------+              +-------------------------------+
 *  | nonce (12)                    |              | nonce (12)                    |
 *  +-------+-------+---------------+              +-------+-----------------------+
 *  | 6 TCP | 0 0 0                 |              | 6     | 0 0 0                 |
 *  +-------+-------+---------------+              +---------------+---------------+
 *  | internal port | suggested port|              | internal port | assigned port |
 *  +---------------+---------------+              +---------------+---------------+
 *  | suggested external IP (16)    |              | assigned external IP (16)     |
 *  +-------------------------------+              +-------------------------------+
 * </pre>
 */
final class PcpGateway implements Gateway {

    static final int VERSION = 2;
    static final int OPCODE_MAP = 1;
    static final int MESSAGE_BYTES = 60;
    private static final int RESPONSE_BIT = 0x80;
    private static final int TCP = 6;
    private static final int NONCE_BYTES = 12;

    private final InetSocketAddress server;
    private final Inet4Address client;
    private final byte[] nonce;

    PcpGateway(InetSocketAddress server, Inet4Address client, SecureRandom random) {
        this.server = server;
        this.client = client;
        this.nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
    }

    @Override
    public MappingMethod method() {
        return MappingMethod.PCP;
    }

    @Override
    public Mapping map(int internalPort, int externalPort, long leaseSeconds) throws PortMappingException {
        byte[] request = mapRequest(client, nonce, internalPort, externalPort, leaseSeconds);
        ByteBuffer response = UdpExchange.exchange("PCP", server, request,
            (data, length) -> checkResponse(data, length, nonce, internalPort));
        return grantedMapping(response, internalPort);
    }

    @Override
    public void unmap(Mapping mapping) throws PortMappingException {
        byte[] request = mapRequest(client, nonce, mapping.internalPort(), 0, 0);
        UdpExchange.exchange("PCP", server, request, (data, length) -> checkResponse(data, length, nonce,
            mapping.internalPort()));
    }

    static byte[] mapRequest(Inet4Address client, byte[] nonce, int internalPort, int externalPort,
                             long leaseSeconds) {
        return ByteBuffer.allocate(MESSAGE_BYTES)
            .put((byte) VERSION).put((byte) OPCODE_MAP).putShort((short) 0)
            .putInt((int) Math.min(leaseSeconds, 0xFFFF_FFFFL))
            .put(ipv4Mapped(client.getAddress()))
            .put(nonce)
            .put((byte) TCP).put(new byte[3])
            .putShort((short) internalPort).putShort((short) externalPort)
            .put(ipv4Mapped(new byte[4]))
            .array();
    }

    /**
     * Checks a MAP response: that it answers this request and grants it.
     *
     * @throws PortMappingException naming what is wrong: a NAT-PMP-only gateway's "unsupported version", a refusal
     *                              with its result code in words, or an answer to another request
     */
    static ByteBuffer checkResponse(byte[] data, int length, byte[] nonce, int internalPort)
        throws PortMappingException {
        if (length >= 2 && data[0] == 0) {
            throw new PortMappingException("PCP: the gateway speaks only NAT-PMP (version 0)");
        }
        if (length < MESSAGE_BYTES) {
            throw new PortMappingException("PCP: response of " + length + " bytes, expected " + MESSAGE_BYTES);
        }
        ByteBuffer response = ByteBuffer.wrap(data, 0, length);
        if (response.get(0) != VERSION || Byte.toUnsignedInt(response.get(1)) != (RESPONSE_BIT | OPCODE_MAP)) {
            throw new PortMappingException("PCP: not a MAP response (version " + response.get(0) + ", opcode "
                + Byte.toUnsignedInt(response.get(1)) + ")");
        }
        int result = Byte.toUnsignedInt(response.get(3));
        if (result != 0) {
            throw new PortMappingException("PCP: refused, result " + result + " (" + resultText(result) + ")");
        }
        if (!Arrays.equals(data, 24, 24 + NONCE_BYTES, nonce, 0, NONCE_BYTES) || response.get(36) != TCP
            || Short.toUnsignedInt(response.getShort(40)) != internalPort) {
            throw new PortMappingException("PCP: the answer is for another mapping (nonce, protocol or port)");
        }
        return response;
    }

    /** The mapping a checked MAP response grants: an IPv4 external address and port. */
    static Mapping grantedMapping(ByteBuffer response, int internalPort) throws PortMappingException {
        long lifetime = Integer.toUnsignedLong(response.getInt(4));
        int assignedPort = Short.toUnsignedInt(response.getShort(42));
        byte[] assigned = new byte[16];
        response.get(44, assigned);
        byte[] ipv4 = Arrays.copyOfRange(assigned, 12, 16);
        if (!Arrays.equals(ipv4Mapped(ipv4), assigned) || assignedPort == 0) {
            throw new PortMappingException("PCP: the gateway assigned no IPv4 external address and port");
        }
        try {
            return new Mapping(new HostPort(InetAddress.getByAddress(ipv4).getHostAddress(), assignedPort),
                internalPort, MappingMethod.PCP, lifetime);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static byte[] ipv4Mapped(byte[] ipv4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(ipv4, 0, mapped, 12, 4);
        return mapped;
    }

    private static String resultText(int result) {
        return switch (result) {
            case 1 -> "unsupported version";
            case 2 -> "not authorized";
            case 3 -> "malformed request";
            case 4 -> "unsupported opcode";
            case 5 -> "unsupported option";
            case 6 -> "malformed option";
            case 7 -> "network failure";
            case 8 -> "no resources";
            case 9 -> "unsupported protocol";
            case 10 -> "user exceeded quota";
            case 11 -> "cannot provide external";
            case 12 -> "address mismatch";
            case 13 -> "excessive remote peers";
            default -> "unknown result code";
        };
    }
}
