package network.butter.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Plain-socket helpers for tests that talk to a node below TLS. */
public final class RawSockets {

    private RawSockets() {
    }

    /**
     * Reads and discards whatever arrives; true once the node has closed the connection (end of stream or reset),
     * false when the socket's read timeout passes first.
     */
    public static boolean closedByPeer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
