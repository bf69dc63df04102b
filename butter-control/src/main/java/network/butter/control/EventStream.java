package network.butter.control;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;

/**
 * Live events of a node as server-sent events ({@code text/event-stream}): a {@code tick} each second with the
 * node's status and traffic, and a {@code host} event for each host admitted to the known-host list. The dashboard
 * listens with an {@code EventSource}; {@code curl -N} shows them too.
 *
 * <p>Bounded: at most {@link #MAX_SUBSCRIBERS} streams at once (more get 503), and each subscriber's queue holds
 * {@link #QUEUE_EVENTS} events; a subscriber too slow to drain it loses the oldest, never the node's memory.
 */
final class EventStream {

    /** Most event streams open at once. */
    static final int MAX_SUBSCRIBERS = 16;
    /** Events queued per subscriber before the oldest are dropped. */
    static final int QUEUE_EVENTS = 256;
    /** Period of the {@code tick} event, in milliseconds. */
    static final long TICK_MS = 1_000;

    private final ObjectMapper json;
    private final Supplier<Object> tick;
    private final List<BlockingQueue<String>> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param json the mapper that writes events' data
     * @param tick what a {@code tick} event carries, computed for each one
     */
    EventStream(ObjectMapper json, Supplier<Object> tick) {
        this.json = json;
        this.tick = tick;
    }

    /** Queues an event for every subscriber. */
    void publish(String event, Object data) {
        String frame = frame(event, data);
        for (BlockingQueue<String> queue : subscribers) {
            while (!queue.offer(frame)) {
                queue.poll();
            }
        }
    }

    /** Serves one subscriber until it goes away or the server closes; runs on the exchange's own thread. */
    void serve(HttpExchange exchange) throws IOException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_EVENTS);
        synchronized (subscribers) {
            if (subscribers.size() >= MAX_SUBSCRIBERS) {
                byte[] body = json.writeValueAsBytes(Map.of("error", "too many event streams open (at most "
                    + MAX_SUBSCRIBERS + ")"));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            subscribers.add(queue);
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "retry: 2000\n\n" + frame("tick", tick.get()));
            long nextTickNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
            while (!closed) {
                String event = queue.poll(Math.max(0, nextTickNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event != null) {
                    write(out, event);
                } else {
                    write(out, frame("tick", tick.get()));
                    nextTickNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscribers.remove(queue);
        }
    }

    /** Ends every stream. */
    void close() {
        closed = true;
    }

    private String frame(String event, Object data) {
        return "event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
