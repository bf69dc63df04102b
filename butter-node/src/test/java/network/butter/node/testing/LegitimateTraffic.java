package network.butter.node.testing;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;

/**
 * A well-behaved peer calling an echo route back to back on its own thread, recording every request that did
 * not come back with its own payload. Hostile-input tests run it alongside the attack and then require that
 * it never failed. Bounded in count and time, so it stops by itself even if nobody stops it.
 */
public final class LegitimateTraffic {

    /** The most requests one run sends. */
    public static final int MAX_REQUESTS = 100_000;
    /** The longest one run lasts. */
    public static final Duration MAX_DURATION = Duration.ofSeconds(60);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Node client;
    private final PeerAddress server;
    private final String route;
    private final AtomicLong succeeded = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    private LegitimateTraffic(Node client, PeerAddress server, String route) {
        this.client = client;
        this.server = server;
        this.route = route;
        this.thread = new Thread(this::run, "legitimate-traffic");
        this.thread.setDaemon(true);
    }

    /**
     * Starts calling {@code route} on {@code server} from {@code client}.
     *
     * @param route a route that answers with the request's own payload
     */
    public static LegitimateTraffic start(Node client, PeerAddress server, String route) {
        LegitimateTraffic traffic = new LegitimateTraffic(client, server, route);
        traffic.thread.start();
        return traffic;
    }

    private void run() {
        long deadlineNanos = System.nanoTime() + MAX_DURATION.toNanos();
        for (int i = 0; i < MAX_REQUESTS && !stopping && System.nanoTime() < deadlineNanos; i++) {
            byte[] payload = ("legitimate request " + i).getBytes(StandardCharsets.UTF_8);
            try {
                Reply reply = client.requestBlocking(server, route, payload, REQUEST_TIMEOUT);
                if (Arrays.equals(reply.payload(), payload)) {
                    succeeded.incrementAndGet();
                } else {
                    fail("request " + i + " got someone else's reply: " + reply.text());
                }
            } catch (RuntimeException e) {
                fail("request " + i + " failed: " + e);
            }
        }
    }

    private void fail(String failure) {
        synchronized (failures) {
            failures.add(failure);
        }
    }

    /** How many requests came back right so far. */
    public long succeeded() {
        return succeeded.get();
    }

    /** Every request that failed or came back wrong, in order. */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /**
     * Waits, at most {@code bound}, until {@code count} more requests have come back right (or one failed):
     * proof that the peer is being served at this moment.
     */
    public void awaitMore(int count, Duration bound) {
        long target = succeeded() + count;
        await("%d more legitimate requests".formatted(count)).atMost(bound)
            .until(() -> succeeded() >= target || !failures().isEmpty());
    }

    /** Stops after the request in flight and waits for that, at most {@code bound}. */
    public void stop(Duration bound) throws InterruptedException {
        stopping = true;
        thread.join(bound);
        if (thread.isAlive()) {
            fail("the traffic thread did not stop within " + bound);
        }
    }
}
