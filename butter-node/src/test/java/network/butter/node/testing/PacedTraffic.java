package network.butter.node.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Node;
import network.butter.identity.PeerAddress;

/**
 * A legitimate peer calling an echo route at a fixed pace (one request every {@code periodMs}, whether or not the
 * previous one has come back), recording when each was sent, how long it took and whether it came back right; so
 * that a test can judge exactly the requests sent while an attack was under way. Bounded in count.
 */
public final class PacedTraffic implements AutoCloseable {

    /** The most requests one run sends. */
    public static final int MAX_REQUESTS = 20_000;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** One request: sent at {@code sentNanos} (System.nanoTime), answered right or not, after {@code latencyNanos}. */
    public record Outcome(long sentNanos, long latencyNanos, boolean ok, String failure) {
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "paced-traffic");
        thread.setDaemon(true);
        return thread;
    });

    private PacedTraffic() {
    }

    /** Starts sending one request to {@code route} of {@code server} every {@code periodMs}. */
    public static PacedTraffic start(Node client, PeerAddress server, String route, long periodMs) {
        PacedTraffic traffic = new PacedTraffic();
        AtomicInteger sent = new AtomicInteger();
        traffic.timer.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i >= MAX_REQUESTS) {
                return;
            }
            byte[] payload = ("paced request " + i).getBytes(StandardCharsets.UTF_8);
            long sentNanos = System.nanoTime();
            client.request(server, route, payload, REQUEST_TIMEOUT).whenComplete((reply, error) -> {
                long latency = System.nanoTime() - sentNanos;
                boolean ok = error == null && Arrays.equals(reply.payload(), payload);
                traffic.record(new Outcome(sentNanos, latency, ok, ok ? null
                    : "request " + i + (error != null ? " failed: " + error : " got another reply")));
            });
        }, 0, periodMs, TimeUnit.MILLISECONDS);
        return traffic;
    }

    private void record(Outcome outcome) {
        synchronized (outcomes) {
            outcomes.add(outcome);
        }
    }

    /** The requests sent between two instants (System.nanoTime) that have come back, right or wrong. */
    public List<Outcome> sentBetween(long fromNanos, long toNanos) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.sentNanos() >= fromNanos && o.sentNanos() <= toNanos).toList();
        }
    }

    /** Every request that failed so far. */
    public List<String> failures() {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> !o.ok()).map(Outcome::failure).toList();
        }
    }

    /** The {@code quantile} (0..1) of the latencies of {@code outcomes}, in milliseconds; 0 for none. */
    public static double latencyMs(List<Outcome> outcomes, double quantile) {
        long[] sorted = outcomes.stream().mapToLong(Outcome::latencyNanos).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** Stops sending; requests in flight still complete and are recorded. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
