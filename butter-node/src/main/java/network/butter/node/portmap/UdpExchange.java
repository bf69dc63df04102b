package network.butter.node.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * One request and its answer over UDP with the gateway, as NAT-PMP and PCP do it: sent up to {@link #ATTEMPTS}
 * times, waiting 250 ms, then twice as long each time (the RFCs' schedule, cut short: 1.75 s in all); only answers
 * from the gateway's own address and port are read (the socket is connected to it).
 */
final class UdpExchange {

    static final int ATTEMPTS = 3;
    static final int FIRST_WAIT_MS = 250;
    private static final int MAX_ANSWER_BYTES = 1100;

    private UdpExchange() {
    }

    /** Checks an answer, returning it or throwing what is wrong with it; the exchange reads no further answer. */
    @FunctionalInterface
    interface AnswerCheck<T> {
        T check(byte[] data, int length) throws PortMappingException;
    }

    /** The gateway sent nothing back: nothing listens there, or a firewall drops it. */
    static final class SilentGateway extends PortMappingException {
        private static final long serialVersionUID = 1L;

        SilentGateway(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code request} to {@code server} and checks the first answer.
     *
     * @throws SilentGateway        if no answer came in time, or the gateway refused the datagram (ICMP unreachable)
     * @throws PortMappingException if the answer is refused by {@code check}
     */
    static <T> T exchange(String protocol, InetSocketAddress server, byte[] request, AnswerCheck<T> check)
        throws PortMappingException {
        String where = server.getAddress().getHostAddress() + ":" + server.getPort();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            byte[] buffer = new byte[MAX_ANSWER_BYTES];
            int waitMs = FIRST_WAIT_MS;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++, waitMs *= 2) {
                socket.send(new DatagramPacket(request, request.length));
                socket.setSoTimeout(waitMs);
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    return check.check(buffer, packet.getLength());
                } catch (SocketTimeoutException e) {
                    // Not yet: send again and wait twice as long.
                }
            }
            throw new SilentGateway(protocol + ": no answer from " + where + " after " + ATTEMPTS + " tries ("
                + FIRST_WAIT_MS * ((1 << ATTEMPTS) - 1) + " ms)");
        } catch (java.net.PortUnreachableException e) {
            throw new SilentGateway(protocol + ": nothing listens on " + where);
        } catch (IOException e) {
            throw new PortMappingException(protocol + ": " + where + " unreachable: " + e.getMessage(), e);
        }
    }
}
