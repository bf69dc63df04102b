package network.butter.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: keeps exactly {@code concurrency} requests outstanding, each completion
 * issuing the next one from its own callback, for a warm-up and then a measured window. Only requests
 * that complete inside the window count, for throughput and for the latency histogram; afterwards it
 * waits, bounded, until every outstanding request is back, so runs never overlap.
 *
 * <p>Closed-loop load measures what a system does when callers wait for answers, which is how Butter's
 * request/response is used; it cannot show queueing under an open arrival rate, and is not meant to.
 */
final class ClosedLoopRun {

    /** Latencies above this are clamped (recorded as this value), in microseconds: one minute. */
    static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);
    /** How long outstanding requests may take to come back after the window closes, in milliseconds. */
    static final long DRAIN_TIMEOUT_MS = 20_000;

    private final EchoTarget target;
    private final int concurrency;
    private final int pair;
    private final byte[] payload;
    private final long measureStartNanos;
    private final long measureEndNanos;
    private final long measureNanos;
    private final Histogram latencyMicros = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final CountDownLatch slotsStopped;

    private ClosedLoopRun(EchoTarget target, int concurrency, int pair, byte[] payload, long warmupMs,
                          long measureMs) {
        this.target = target;
        this.concurrency = concurrency;
        this.pair = pair;
        this.payload = payload;
        this.measureNanos = TimeUnit.MILLISECONDS.toNanos(measureMs);
        this.measureStartNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        this.measureEndNanos = measureStartNanos + measureNanos;
        this.slotsStopped = new CountDownLatch(concurrency);
    }

    /**
     * Drives {@code target} and returns what the measured window saw.
     *
     * @throws IllegalStateException if requests are still outstanding {@link #DRAIN_TIMEOUT_MS} after the
     *                               window closed: the system hangs, and later runs would be disturbed
     */
    static RunResult drive(EchoTarget target, int concurrency, int pair, byte[] payload, long warmupMs,
                           long measureMs) throws InterruptedException {
        ClosedLoopRun run = new ClosedLoopRun(target, concurrency, pair, payload, warmupMs, measureMs);
        for (int slot = 0; slot < concurrency; slot++) {
            run.new Slot(slot).issue();
        }
        run.waitUntil(run.measureStartNanos);
        long cpuAtStart = target.cpuNanos();
        long bytesAtStart = target.allocatedBytes();
        run.waitUntil(run.measureEndNanos);
        long cpuInWindow = target.cpuNanos() - cpuAtStart;
        long bytesInWindow = target.allocatedBytes() - bytesAtStart;
        return run.awaitResult(cpuInWindow, bytesInWindow);
    }

    /** Sleeps until {@code System.nanoTime()} reaches {@code deadlineNanos}. */
    private void waitUntil(long deadlineNanos) throws InterruptedException {
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private RunResult awaitResult(long cpuNanosInWindow, long bytesInWindow) throws InterruptedException {
        long waitNanos = Math.max(0, measureEndNanos - System.nanoTime())
            + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        if (!slotsStopped.await(waitNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(target.name() + " at concurrency " + concurrency + ": "
                + slotsStopped.getCount() + " requests still outstanding " + DRAIN_TIMEOUT_MS
                + " ms after the measured window closed");
        }
        Throwable error = firstError.get();
        long requests = completed.sum();
        double perSecond = requests * 1e9 / measureNanos;
        return new RunResult(target.name(), concurrency, pair, requests, errors.sum(), perSecond,
            latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(99),
            requests == 0 ? 0 : cpuNanosInWindow / 1e3 / requests, requests == 0 ? 0 : (double) bytesInWindow / requests,
            error == null ? null : error.toString());
    }

    /** One of the concurrent request chains: at most one request outstanding, the next sent when it is done. */
    private final class Slot implements EchoTarget.Completion {
        private final int index;
        private long sentAtNanos;

        Slot(int index) {
            this.index = index;
        }

        void issue() {
            sentAtNanos = System.nanoTime();
            target.call(index, payload, this);
        }

        @Override
        public void done(Throwable failure) {
            long now = System.nanoTime();
            if (failure != null) {
                // A failing system would otherwise spin on instant failures; this chain stops instead.
                errors.increment();
                firstError.compareAndSet(null, failure);
                slotsStopped.countDown();
                return;
            }
            if (now >= measureStartNanos && now < measureEndNanos) {
                latencyMicros.recordValue(Math.min(MAX_LATENCY_MICROS, (now - sentAtNanos) / 1_000));
                completed.increment();
            }
            if (now < measureEndNanos) {
                issue();
            } else {
                slotsStopped.countDown();
            }
        }
    }
}
