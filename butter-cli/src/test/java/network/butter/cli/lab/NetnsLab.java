package network.butter.cli.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small LAN for real-network tests, built from Linux network namespaces: one namespace holds a bridge, and
 * each host is a namespace of its own ({@code butter-lab<pid>-<n>-h<i>}) joined to the bridge by a veth pair,
 * with address {@code 10.77.0.<10+i>/24} on its {@code eth0}, multicast on, and a route for 224.0.0.0/4. Every
 * interface lives inside a namespace this lab created, so whatever the tests send, multicast included, never
 * reaches this machine's real interfaces; the host's own network is not touched.
 *
 * <p>Processes run in a host with {@link #start}. {@link #close()} kills them and deletes every namespace; a JVM
 * shutdown hook does the same if the tests never get there, and a lab that fails half-built removes what it
 * built. Should the test JVM be killed outright, its processes still end after {@link #MAX_PROCESS_SECONDS}, and
 * the next lab deletes the namespaces of labs whose JVM is gone. Creating namespaces needs root and the
 * {@code ip} command: see {@link #unavailableReason()}.
 */
public final class NetnsLab implements AutoCloseable {

    /** Every namespace a lab creates starts with this. */
    public static final String NAMESPACE_PREFIX = "butter-";

    /** Processes in a lab are killed after this long even if the test JVM dies without cleaning up. */
    public static final int MAX_PROCESS_SECONDS = 300;

    private static final AtomicInteger LABS = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private static final Pattern LAB_NAMESPACE = Pattern.compile(NAMESPACE_PREFIX + "lab(\\d+)-\\d+-(br|h\\d+)");

    private final String name;
    private final String bridgeNamespace;
    private final List<Host> hosts = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<LabProcess> processes = new ArrayList<>();
    private final Path outputDirectory;
    private final Thread cleanupOnExit;
    private boolean closed;

    /**
     * A host of the lab.
     *
     * @param namespace     the host's network namespace
     * @param address       its IPv4 address on the lab's LAN
     * @param interfaceName its interface on the LAN, inside its namespace
     */
    public record Host(String namespace, String address, String interfaceName) {
    }

    private NetnsLab(String name) throws IOException {
        this.name = name;
        this.bridgeNamespace = name + "-br";
        this.outputDirectory = Files.createTempDirectory(name);
        this.cleanupOnExit = new Thread(this::cleanUp, name + "-cleanup");
    }

    /**
     * Why a lab cannot be built here, or empty if it can: it needs Linux, root, the {@code ip} command and
     * permission to create a namespace (containers may refuse it). Tests skip with this reason.
     */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Optional.of("the network lab needs Linux network namespaces; this is "
                + System.getProperty("os.name"));
        }
        Optional<String> uid = effectiveUid();
        if (uid.isEmpty() || !uid.get().equals("0")) {
            return Optional.of("the network lab needs root to create network namespaces (effective uid "
                + uid.orElse("unknown") + ")");
        }
        if (command("ip").isEmpty()) {
            return Optional.of("the network lab needs the 'ip' command (package iproute2)");
        }
        if (command("timeout").isEmpty()) {
            return Optional.of("the network lab needs the 'timeout' command (package coreutils)");
        }
        String probe = NAMESPACE_PREFIX + "probe" + ProcessHandle.current().pid();
        try {
            run("ip", "netns", "add", probe);
            run("ip", "netns", "del", probe);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of("cannot create a network namespace here: " + e.getMessage());
        }
    }

    /**
     * Builds a lab of {@code hostCount} hosts on one bridge.
     *
     * @throws IllegalStateException if a step fails; whatever was built is removed first
     */
    public static NetnsLab create(int hostCount) {
        if (hostCount < 1 || hostCount > 200) {
            throw new IllegalArgumentException("a lab has 1-200 hosts, got " + hostCount);
        }
        removeLabsOfDeadProcesses();
        NetnsLab lab;
        try {
            lab = new NetnsLab(NAMESPACE_PREFIX + "lab" + ProcessHandle.current().pid() + "-"
                + LABS.incrementAndGet());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the lab's output directory", e);
        }
        Runtime.getRuntime().addShutdownHook(lab.cleanupOnExit);
        try {
            lab.build(hostCount);
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build(int hostCount) {
        addNamespace(bridgeNamespace);
        run("ip", "-n", bridgeNamespace, "link", "add", "br0", "type", "bridge");
        // Without snooping the bridge floods multicast to every port: no IGMP querier needed, nothing to learn.
        run("ip", "-n", bridgeNamespace, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
        run("ip", "-n", bridgeNamespace, "link", "set", "br0", "up");
        for (int i = 1; i <= hostCount; i++) {
            Host host = new Host(name + "-h" + i, "10.77.0." + (10 + i), "eth0");
            addNamespace(host.namespace());
            String bridgePort = "v" + i;
            run("ip", "-n", bridgeNamespace, "link", "add", bridgePort, "type", "veth",
                "peer", "name", host.interfaceName(), "netns", host.namespace());
            run("ip", "-n", bridgeNamespace, "link", "set", bridgePort, "master", "br0");
            run("ip", "-n", bridgeNamespace, "link", "set", bridgePort, "up");
            run("ip", "-n", host.namespace(), "addr", "add", host.address() + "/24", "dev", host.interfaceName());
            run("ip", "-n", host.namespace(), "link", "set", host.interfaceName(), "multicast", "on", "up");
            run("ip", "-n", host.namespace(), "link", "set", "lo", "up");
            run("ip", "-n", host.namespace(), "route", "add", "224.0.0.0/4", "dev", host.interfaceName());
            hosts.add(host);
        }
    }

    private void addNamespace(String namespace) {
        run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
    }

    /** The lab's hosts, in order: host {@code i} (from 0) has address {@code 10.77.0.<11+i>}. */
    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** The prefix of every namespace of this lab, to check none is left behind. */
    public String name() {
        return name;
    }

    /**
     * Starts a process in a host's namespace; its stdout is read line by line (see {@link LabProcess}), its
     * stderr kept in a file of the lab. The lab kills it when it closes, if it is still running.
     */
    public synchronized LabProcess start(Host host, String label, List<String> command) {
        if (closed) {
            throw new IllegalStateException("the lab " + name + " is closed");
        }
        List<String> inNamespace = new ArrayList<>(List.of(command("ip").orElseThrow(), "netns", "exec",
            host.namespace(), command("timeout").orElseThrow(), "--kill-after=5s", MAX_PROCESS_SECONDS + "s"));
        inNamespace.addAll(command);
        LabProcess process = LabProcess.start(label, inNamespace, outputDirectory.resolve(label + ".err"));
        processes.add(process);
        return process;
    }

    /**
     * Runs a short command in a host's namespace and returns its output.
     *
     * @throws IllegalStateException if it fails or takes more than ten seconds
     */
    public String exec(Host host, String... command) {
        List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        inNamespace.addAll(List.of(command));
        return run(inNamespace.toArray(String[]::new));
    }

    /** The names of the network namespaces that exist now, on the whole machine. */
    public static List<String> existingNamespaces() {
        return run("ip", "netns", "list").lines()
            .map(line -> line.split("\\s+", 2)[0])
            .filter(namespace -> !namespace.isEmpty())
            .toList();
    }

    /**
     * Deletes the namespaces of labs whose test JVM no longer runs (it was killed before it could clean up). Only
     * this fixture's names are touched, never those of a live JVM, nor a namespace something still runs in: a
     * killed JVM's processes end by themselves within {@link #MAX_PROCESS_SECONDS}, and a later lab removes it.
     */
    private static void removeLabsOfDeadProcesses() {
        removeLabsOfDeadProcesses(LAB_NAMESPACE);
    }

    /**
     * The same for any lab fixture: {@code namespacePattern} matches its namespace names, its first group being the
     * pid of the JVM that made them.
     */
    static void removeLabsOfDeadProcesses(Pattern namespacePattern) {
        for (String namespace : existingNamespaces()) {
            Matcher lab = namespacePattern.matcher(namespace);
            if (lab.matches() && ProcessHandle.of(Long.parseLong(lab.group(1))).isEmpty()
                && run("ip", "netns", "pids", namespace).isBlank()) {
                run("ip", "netns", "del", namespace);
            }
        }
    }

    /** The namespaces of every lab this JVM created that still exist: none once each is closed. */
    public static List<String> leftoversOfThisJvm() {
        String prefix = NAMESPACE_PREFIX + "lab" + ProcessHandle.current().pid() + "-";
        return existingNamespaces().stream().filter(namespace -> namespace.startsWith(prefix)).toList();
    }

    /** Kills the lab's processes, deletes its namespaces and its output files. Idempotent. */
    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting: the hook runs, or ran, the same clean-up.
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (LabProcess process : processes) {
            try {
                process.stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        // Hosts first: deleting a host's namespace deletes its veth end, and with it the end on the bridge.
        for (String namespace : namespaces.reversed()) {
            try {
                run("ip", "netns", "del", namespace);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        deleteOutput();
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the lab " + name + " was not removed cleanly");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private void deleteOutput() {
        try (Stream<Path> files = Files.list(outputDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(outputDirectory);
        } catch (IOException e) {
            // Only temporary files are left behind; the namespaces are what matters.
        }
    }

    private static Optional<String> effectiveUid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> line.split("\\s+")[2])
                .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The path of a system command, looked for on the PATH and where root's tools usually are. */
    static Optional<String> command(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        return Stream.of(path.split(":"))
            .filter(directory -> !directory.isEmpty())
            .map(directory -> Path.of(directory, name))
            .filter(Files::isExecutable)
            .map(Path::toString)
            .findFirst();
    }

    /** Runs a command to completion (at most ten seconds) and returns its output, or throws with it. */
    static String run(String... command) {
        List<String> resolved = new ArrayList<>(List.of(command));
        if (resolved.getFirst().equals("ip")) {
            resolved.set(0, command("ip").orElseThrow(() -> new IllegalStateException("no 'ip' command")));
        }
        try {
            Process process = new ProcessBuilder(resolved).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Read on the side, so that neither a chatty nor a hung command can block the caller unboundedly.
            CompletableFuture<String> output = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    output.complete(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.completeExceptionally(e);
                }
            });
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                throw new IllegalStateException(String.join(" ", command) + ": no answer in "
                    + COMMAND_TIMEOUT_MS + " ms");
            }
            String text = output.get(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                    + "): " + text.strip());
            }
            return text;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(String.join(" ", command) + ": cannot read its output", e);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }
}
