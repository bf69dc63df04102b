package network.butter.control;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body that sends the 200 status line only when the first byte is written, so that a read which fails
 * before any content arrives can still answer with the status that says why (404, 410, …).
 */
final class StartOnFirstWrite extends OutputStream {

    private final HttpExchange exchange;
    private OutputStream body;

    StartOnFirstWrite(HttpExchange exchange) {
        this.exchange = exchange;
    }

    boolean started() {
        return body != null;
    }

    @Override
    public void write(int b) throws IOException {
        start().write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > 0) {
            start().write(bytes, offset, length);
        }
    }

    /** Ends the response: an empty one if nothing was written. */
    void finish() throws IOException {
        if (body == null) {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        body.close();
    }

    private OutputStream start() throws IOException {
        if (body == null) {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0);
            body = exchange.getResponseBody();
        }
        return body;
    }
}
