package network.butter.cli.lab;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A tiny STUN server (RFC 5389 Binding only) for the NAT lab's "ISP": a router's miniupnpd asks it for the router's
 * public address, because miniupnpd 2.3.1 forwards no ports on a WAN address in a reserved range (the lab's
 * 203.0.113.0/24) unless STUN shows that address to be its own, unfiltered. Each Binding Request is answered from
 * the same address with the requester's address in XOR-MAPPED-ADDRESS and MAPPED-ADDRESS; anything else is ignored.
 * Runs as a process in a lab namespace: {@code LabStunServer <address> <port>}; prints {@code listening} once bound.
 */
public final class LabStunServer {

    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;

    private LabStunServer() {
    }

    /** Serves until killed (the lab kills it, and its {@code timeout} wrapper at the latest). */
    public static void main(String[] args) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]),
            Integer.parseInt(args[1])))) {
            System.out.println("listening");
            System.out.flush();
            byte[] buffer = new byte[1500];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = answer(ByteBuffer.wrap(buffer, 0, packet.getLength()),
                    (InetSocketAddress) packet.getSocketAddress());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            }
        }
    }

    /** The Binding Success response to a Binding Request from {@code from}, or null if it is none. */
    static byte[] answer(ByteBuffer request, InetSocketAddress from) {
        if (request.remaining() < 20 || Short.toUnsignedInt(request.getShort(0)) != BINDING_REQUEST
            || request.getInt(4) != MAGIC_COOKIE) {
            return null;
        }
        byte[] address = from.getAddress().getAddress();
        if (address.length != 4) {
            return null;
        }
        ByteBuffer response = ByteBuffer.allocate(20 + 24);
        response.putShort((short) BINDING_SUCCESS).putShort((short) 24).putInt(MAGIC_COOKIE);
        response.put(request.array(), request.arrayOffset() + 8, 12);
        int port = from.getPort();
        response.putShort((short) 0x0020).putShort((short) 8).put((byte) 0).put((byte) 1)
            .putShort((short) (port ^ (MAGIC_COOKIE >>> 16))).putInt(ByteBuffer.wrap(address).getInt() ^ MAGIC_COOKIE);
        response.putShort((short) 0x0001).putShort((short) 8).put((byte) 0).put((byte) 1)
            .putShort((short) port).put(address);
        return response.array();
    }
}
