package network.butter.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps every CPU busy in the background while the benchmark runs, the same for Butter and the baseline: one
 * busy loop per CPU in a separate process at the lowest priority there is ({@code chrt --idle 0}, the
 * {@code SCHED_IDLE} policy, and {@code nice -n 19}), started before the first run and stopped after the last.
 * {@code SCHED_IDLE} weighs a fifth of even a nice 19 process, so the loops stay below the benchmark when the
 * benchmark itself must run at nice 19 on a shared machine.
 *
 * <p>Why: on an idle (virtual) machine a request's latency is dominated by waking an idle CPU, and the figures
 * change with whatever else happens to run. With every CPU kept busy at the lowest priority, no CPU ever sleeps,
 * while the systems under test, at normal priority, still get the CPU whenever they want it; both systems see the
 * same background. Each loop is bounded in time ({@code timeout --signal=KILL}), so a benchmark JVM that is killed
 * cannot leave them behind for longer than its planned duration plus a margin.
 */
final class BusyBackground implements AutoCloseable {

    /** Margin added to a run's planned duration before the busy loops kill themselves, in seconds. */
    static final long MARGIN_SECONDS = 120;

    private final List<Process> loops;

    private BusyBackground(List<Process> loops) {
        this.loops = loops;
    }

    /**
     * Starts {@code count} busy loops (0 starts none).
     *
     * @param maxSeconds the longest any loop lives, in seconds, even if this JVM dies without closing them
     * @throws IllegalStateException if a loop cannot be started ({@code chrt}, {@code nice}, {@code timeout} and
     *                               {@code sh} are needed)
     */
    static BusyBackground start(int count, long maxSeconds) {
        List<Process> loops = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                loops.add(new ProcessBuilder("chrt", "--idle", "0", "nice", "-n", "19", "timeout", "--signal=KILL", Long.toString(maxSeconds),
                    "sh", "-c", "while :; do :; done")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start());
            }
        } catch (IOException e) {
            new BusyBackground(loops).close();
            throw new IllegalStateException("cannot start the background busy loops (chrt, nice, timeout and sh are needed;"
                + " --busy-cpus 0 runs without them): " + e.getMessage(), e);
        }
        return new BusyBackground(loops);
    }

    /** How many loops run. */
    int count() {
        return loops.size();
    }

    /** Stops every loop (the {@code timeout} process and the shell under it) and waits, bounded, until each is gone. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process loop : loops) {
            loop.descendants().forEach(all::add);
            all.add(loop.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // Bounded by its own timeout anyway; the benchmark goes on.
            }
        }
    }
}
