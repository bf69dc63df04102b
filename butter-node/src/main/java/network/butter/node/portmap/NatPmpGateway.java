package network.butter.node.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import network.butter.identity.HostPort;

/**
 * NAT-PMP (RFC 6886) client: asks the default gateway, over UDP port 5351, for its public address and for a TCP
 * mapping, each request as a bounded {@link UdpExchange}.
 *
 * <pre>
 *  request, public address      request, map TCP port             response, map
 *  +-----+-----+                +-----+-----+---------+           +-----+-----+-----------+
 *  | 0   | 0   |                | 0   | 2   | 0 0     |           | 0   | 130 | result    |
 *  +-----+-----+                +-----+-----+---------+           +-----+-----+-----------+
 *  version opcode               | internal  | external|           | seconds since epoch   |
 *                               +-----------+---------+           +-----------+-----------+
 *  response: 0, 128, result,    | lifetime, seconds   |           | internal  | external  |
 *  epoch (4), IPv4 address (4)  +---------------------+           +-----------+-----------+
 *                                                                 | lifetime, seconds     |
 *                                                                 +-----------------------+
 * </pre>
 */
final class NatPmpGateway implements Gateway {

    /** The port a NAT-PMP (and PCP) server listens on. */
    static final int PORT = 5351;
    private static final int OPCODE_ADDRESS = 0;
    private static final int OPCODE_MAP_TCP = 2;
    private static final int RESPONSE_BIT = 128;

    private final InetSocketAddress server;

    NatPmpGateway(InetSocketAddress server) {
        this.server = server;
    }

    @Override
    public MappingMethod method() {
        return MappingMethod.NAT_PMP;
    }

    /** The gateway's public IPv4 address. */
    Inet4Address externalAddress() throws PortMappingException {
        ByteBuffer response = exchange(new byte[] {0, OPCODE_ADDRESS}, OPCODE_ADDRESS, 12);
        byte[] address = new byte[4];
        response.get(8, address);
        try {
            return (Inet4Address) InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new PortMappingException("NAT-PMP: unreadable public address", e);
        }
    }

    @Override
    public Mapping map(int internalPort, int externalPort, long leaseSeconds) throws PortMappingException {
        Inet4Address publicAddress = externalAddress();
        ByteBuffer response = exchange(mapRequest(internalPort, externalPort, leaseSeconds), OPCODE_MAP_TCP, 16);
        int grantedPort = Short.toUnsignedInt(response.getShort(10));
        long grantedLease = Integer.toUnsignedLong(response.getInt(12));
        if (grantedPort == 0) {
            throw new PortMappingException("NAT-PMP: " + server.getAddress().getHostAddress()
                + " granted no external port");
        }
        return new Mapping(new HostPort(publicAddress.getHostAddress(), grantedPort), internalPort, method(),
            grantedLease);
    }

    @Override
    public void unmap(Mapping mapping) throws PortMappingException {
        // RFC 6886 3.4: lifetime 0 and external port 0 delete the mapping of the internal port.
        exchange(mapRequest(mapping.internalPort(), 0, 0), OPCODE_MAP_TCP, 16);
    }

    static byte[] mapRequest(int internalPort, int externalPort, long leaseSeconds) {
        return ByteBuffer.allocate(12)
            .put((byte) 0).put((byte) OPCODE_MAP_TCP).putShort((short) 0)
            .putShort((short) internalPort).putShort((short) externalPort)
            .putInt((int) Math.min(leaseSeconds, 0xFFFF_FFFFL))
            .array();
    }

    /**
     * Checks a response: its length, version, opcode and result code.
     *
     * @throws PortMappingException naming what is wrong, the result code in words
     */
    static ByteBuffer checkResponse(byte[] data, int length, int opcode, int expectedLength)
        throws PortMappingException {
        if (length < expectedLength) {
            throw new PortMappingException("NAT-PMP: response of " + length + " bytes, expected " + expectedLength);
        }
        ByteBuffer response = ByteBuffer.wrap(data, 0, length);
        if (response.get(0) != 0) {
            throw new PortMappingException("NAT-PMP: response version " + response.get(0) + ", expected 0");
        }
        if (Byte.toUnsignedInt(response.get(1)) != RESPONSE_BIT + opcode) {
            throw new PortMappingException("NAT-PMP: response opcode " + Byte.toUnsignedInt(response.get(1))
                + ", expected " + (RESPONSE_BIT + opcode));
        }
        int result = Short.toUnsignedInt(response.getShort(2));
        if (result != 0) {
            throw new PortMappingException("NAT-PMP: refused, result " + result + " (" + resultText(result) + ")");
        }
        return response;
    }

    private static String resultText(int result) {
        return switch (result) {
            case 1 -> "unsupported version";
            case 2 -> "not authorized";
            case 3 -> "network failure";
            case 4 -> "out of resources";
            case 5 -> "unsupported opcode";
            default -> "unknown result code";
        };
    }

    private ByteBuffer exchange(byte[] request, int opcode, int expectedLength) throws PortMappingException {
        return UdpExchange.exchange("NAT-PMP", server, request,
            (data, length) -> checkResponse(data, length, opcode, expectedLength));
    }
}
