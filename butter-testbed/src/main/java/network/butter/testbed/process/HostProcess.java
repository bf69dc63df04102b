package network.butter.testbed.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import network.butter.identity.PeerAddress;

/**
 * One host process seen from the testbed: its commands go to the process's stdin, its events come from its stdout
 * on a reader thread ({@link HostLines}), its stderr goes to a log file. Killing it is {@code SIGKILL}; stopping one
 * of its nodes leaves the others running; if the testbed dies instead, the host sees its stdin close and exits.
 */
final class HostProcess {

    /** A node the host started: where it serves and where its control API listens. */
    record Started(PeerAddress address, int apiPort) {
    }

    private final int number;
    private final Process process;
    private final Writer stdin;
    private final Map<Integer, CompletableFuture<Started>> starting = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Void>> joining = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
    private final Map<Integer, HostLines.Stats> stats = new ConcurrentHashMap<>();
    private final Set<Integer> slots = ConcurrentHashMap.newKeySet();
    private volatile boolean gone;

    private HostProcess(int number, Process process) {
        this.number = number;
        this.process = process;
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readEvents, "butter-host-" + number + "-events");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a host process running {@code command}, its stderr appended to {@code log}.
     *
     * @throws UncheckedIOException if the process cannot be started (no such program, no memory, no descriptor)
     */
    static HostProcess launch(int number, List<String> command, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            return new HostProcess(number, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start host process " + number + ": " + e.getMessage(), e);
        }
    }

    /** The host's number within its cluster, from 0. */
    int number() {
        return number;
    }

    /** The operating system's id of the process. */
    long pid() {
        return process.pid();
    }

    /** The slots of the nodes placed on this host so far, dead or alive. */
    Set<Integer> slots() {
        return slots;
    }

    /** Whether the process has exited or been killed. */
    boolean gone() {
        return gone || !process.isAlive();
    }

    /** Whether the process has really ended, so the locks and descriptors it held are free (not only killed). */
    boolean exited() {
        return !process.isAlive();
    }

    /** Asks the host to start a node with its data in {@code dataDirectory}; completes once it serves. */
    CompletableFuture<Started> spawn(int slot, Path dataDirectory) {
        slots.add(slot);
        CompletableFuture<Started> started = new CompletableFuture<>();
        starting.put(slot, started);
        send(HostLines.SPAWN + " " + slot + " " + dataDirectory.toAbsolutePath(), started);
        return started;
    }

    /**
     * Ends one node at once, the host running on; completes once the node is closed (its data directory free, its
     * slot's room given back) or the host is gone (never fails).
     */
    CompletableFuture<Void> stop(int slot) {
        CompletableFuture<Void> stopped = stopping.computeIfAbsent(slot, s -> new CompletableFuture<>());
        stopped.thenRun(() -> slots.remove(slot));
        stats.remove(slot);
        if (gone()) {
            stopped.complete(null);
            return stopped;
        }
        CompletableFuture<Started> sent = new CompletableFuture<>();
        send(HostLines.STOP + " " + slot, sent);
        sent.exceptionally(hostGone -> {
            stopped.complete(null);
            return null;
        });
        return stopped;
    }

    /** Offers {@code peers} to a node; completes once it joined, gave up, or the host died (never fails). */
    CompletableFuture<Void> join(int slot, List<PeerAddress> peers) {
        CompletableFuture<Void> joined = joining.computeIfAbsent(slot, s -> new CompletableFuture<>());
        if (gone()) {
            joined.complete(null);
            return joined;
        }
        CompletableFuture<Started> sent = new CompletableFuture<>();
        send(HostLines.join(slot, peers), sent);
        sent.whenComplete((v, e) -> {
            if (e != null) {
                joined.complete(null);
            }
        });
        return joined;
    }

    /** The counters a node reported last, if it reported any. */
    Optional<HostLines.Stats> stats(int slot) {
        return Optional.ofNullable(stats.get(slot));
    }

    /** {@code SIGKILL}: the process and every node in it end at once, with no goodbye to anyone. */
    void kill() {
        gone = true;
        process.destroyForcibly();
        failPending("host process " + number + " was killed");
    }

    /** Closes the host's stdin: it exits by itself, as when the testbed is gone. */
    void closeInput() {
        synchronized (stdin) {
            try {
                stdin.close();
            } catch (IOException e) {
                // the process is gone already
            }
        }
    }

    /**
     * Waits, bounded, for the process to be gone, so its descriptors and memory are free again.
     *
     * @return whether it is gone
     */
    boolean awaitExit(long timeoutMs) {
        try {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The process's resident memory in bytes, from {@code /proc}; 0 where that cannot be read. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | UncheckedIOException e) {
            return 0; // gone meanwhile, or not Linux
        }
        return 0;
    }

    /** How many file descriptors the process holds, from {@code /proc}; 0 where that cannot be read. */
    long descriptors() {
        try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private void send(String line, CompletableFuture<?> failOnError) {
        synchronized (stdin) {
            try {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                failOnError.completeExceptionally(new IllegalStateException("host process " + number
                    + " is gone: " + e.getMessage(), e));
            }
        }
    }

    private void readEvents() {
        try (BufferedReader events = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = events.readLine(); line != null; line = events.readLine()) {
                try {
                    onEvent(line);
                } catch (RuntimeException notOurs) {
                    // a line that only looks like an event (a library logging to stdout): not for us
                }
            }
        } catch (IOException e) {
            // the process died mid-line: it is treated as gone below
        }
        boolean wasKilled = gone;
        gone = true;
        if (!wasKilled) {
            failPending("host process " + number + " exited" + exitCode());
        }
    }

    /** {@code " with exit code N"} once the process has ended (waiting a little for it), else nothing. */
    private String exitCode() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? " with exit code " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void onEvent(String line) {
        String[] words = line.split(" ");
        if (words.length < 2 || !List.of(HostLines.STATS, HostLines.NODE, HostLines.FAILED, HostLines.JOINED,
            HostLines.STOPPED).contains(words[0])) {
            return;
        }
        int slot = Integer.parseInt(words[1]);
        switch (words[0]) {
            case HostLines.STATS -> stats.put(slot, HostLines.parseStats(words));
            case HostLines.NODE -> complete(slot, new Started(PeerAddress.parse(words[2]), Integer.parseInt(words[3])));
            case HostLines.FAILED -> {
                CompletableFuture<Started> started = starting.remove(slot);
                if (started != null) {
                    started.completeExceptionally(new IllegalStateException(line.substring(line.indexOf(words[1])
                        + words[1].length()).strip()));
                }
            }
            case HostLines.JOINED -> {
                CompletableFuture<Void> joined = joining.remove(slot);
                if (joined != null) {
                    joined.complete(null);
                }
            }
            case HostLines.STOPPED -> {
                CompletableFuture<Void> stopped = stopping.remove(slot);
                if (stopped != null) {
                    stopped.complete(null);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + words[0]);
        }
    }

    private void complete(int slot, Started node) {
        CompletableFuture<Started> started = starting.remove(slot);
        if (started != null) {
            started.complete(node);
        }
    }

    private void failPending(String why) {
        starting.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
        starting.clear();
        joining.values().forEach(f -> f.complete(null));
        joining.clear();
        stopping.values().forEach(f -> f.complete(null));
        stopping.clear();
    }
}
