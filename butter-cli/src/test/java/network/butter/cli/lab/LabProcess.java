package network.butter.cli.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process running in a lab host: its stdout lines as they come, each stamped with when it arrived, so tests can
 * both read what it printed and time it from the launch; its stderr goes to a file, shown when a test fails.
 */
public final class LabProcess {

    private static final long STOP_TIMEOUT_MS = 10_000;

    private final String label;
    private final Process process;
    private final long launchedNanos;
    private final Path stderr;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    /**
     * A line of stdout.
     *
     * @param text    the line
     * @param atNanos {@link System#nanoTime()} when the test read it
     */
    public record Line(String text, long atNanos) {
    }

    private LabProcess(String label, Process process, long launchedNanos, Path stderr) {
        this.label = label;
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.stderr = stderr;
        this.reader = Thread.ofVirtual().name(label + "-stdout").start(this::readStdout);
    }

    static LabProcess start(String label, List<String> command, Path stderr) {
        long launchedNanos = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            return new LabProcess(label, process, launchedNanos, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + label + ": " + String.join(" ", command), e);
        }
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(new Line(line, System.nanoTime()));
            }
        } catch (IOException e) {
            // The process was killed: what it printed until then is kept.
        }
    }

    /** The name the test gave it. */
    public String label() {
        return label;
    }

    /** {@link System#nanoTime()} just before it was launched. */
    public long launchedNanos() {
        return launchedNanos;
    }

    /** Every stdout line read so far. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The first stdout line starting with {@code prefix}, if one was printed yet. */
    public Optional<Line> firstLineStartingWith(String prefix) {
        return lines.stream().filter(line -> line.text().startsWith(prefix)).findFirst();
    }

    /** The process itself, for tests of this class. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Whether it is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** What it wrote on stderr so far (logs, for a daemon such as miniupnpd), or empty if it cannot be read. */
    public String stderrText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** What it printed, stdout and the end of stderr, for a failure message. */
    public String describe() {
        String err;
        try {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            err = "(stderr unreadable: " + e.getMessage() + ")";
        }
        if (err.length() > 4_000) {
            err = "..." + err.substring(err.length() - 4_000);
        }
        StringBuilder text = new StringBuilder(label).append(alive() ? " (running)" : " (exit " + process.exitValue()
            + ")").append("\n  stdout:\n");
        lines.forEach(line -> text.append("    ").append(line.text()).append('\n'));
        return text.append("  stderr:\n").append(err.indent(4)).toString();
    }

    /**
     * Stops it: SIGTERM, so a node shuts down gracefully, then SIGKILL if it has not exited within ten seconds. The
     * node runs as a child of {@code timeout}, which passes SIGTERM on but dies alone of SIGKILL: every SIGKILL goes
     * to the descendants too, or the node would outlive the test (it did, after a test timed out).
     *
     * @throws IllegalStateException if it survives even that
     */
    public void stop() {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    descendants.forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
            }
            reader.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            // Interrupted (a test timed out): kill everything at once, wait for it without heeding the interrupt
            // (the next test must not meet this node), then let the caller see the interrupt.
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            awaitExitIgnoringInterrupts(descendants);
            Thread.currentThread().interrupt();
            return;
        }
        if (process.isAlive()) {
            throw new IllegalStateException(label + " (pid " + process.pid() + ") survived SIGKILL");
        }
    }

    private void awaitExitIgnoringInterrupts(List<ProcessHandle> descendants) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        for (ProcessHandle handle : descendants) {
            while (handle.isAlive() && System.nanoTime() < deadline) {
                try {
                    handle.onExit().get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException | ExecutionException | TimeoutException ignored) {
                    // checked again by the loop, within the deadline
                }
            }
        }
    }
}
