package network.butter.cli.lab;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import network.butter.cli.ButterCli;
import network.butter.cli.lab.NetnsLab.Host;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A small internet for real-network tests of NAT traversal, built from network namespaces as {@link NetnsLab} is and
 * with the same clean-up discipline. A "public" segment, 203.0.113.0/24 (TEST-NET-3, never routed anywhere), is a
 * bridge in the ISP namespace ({@code 203.0.113.1}, which also runs a tiny STUN server); public hosts sit on it at
 * {@code 203.0.113.<10+i>}. Each home LAN {@code i} (from 1) is a bridge {@code 10.0.i.0/24} inside its router's
 * namespace; the router has {@code 10.0.i.1} there and {@code 203.0.113.<100+i>} on the public segment, forwards
 * with nftables masquerade, lets in only replies (and what miniupnpd opens; anything else from outside is dropped
 * silently, never refused), and forgets idle connections in minutes
 * as home routers do; its LAN hosts are {@code 10.0.i.<10+j>} with a default route through it. No namespace has a
 * route, or a link, to anything outside the lab.
 *
 * <p>Router kinds: {@link RouterKind#UPNP} runs miniupnpd (UPnP IGD, NAT-PMP and PCP, listening on the LAN side only,
 * mapping only for the LAN's own range) over endpoint-independent masquerade; {@link RouterKind#PLAIN} the same
 * masquerade without port mapping; {@link RouterKind#SYMMETRIC} {@code masquerade fully-random}, a new external port
 * for every connection.
 */
public final class NatLab implements AutoCloseable {

    /** The public segment's prefix: TEST-NET-3, reserved for documentation and routed nowhere. */
    public static final String PUBLIC_PREFIX = "203.0.113.";
    /** The ISP's address on the public segment, where the STUN server listens. */
    public static final String ISP_ADDRESS = PUBLIC_PREFIX + "1";
    static final int STUN_PORT = 3478;
    /** System property: a logback file for the lab's Java processes instead of the default, e.g. one at DEBUG. */
    static final String LOGBACK_PROPERTY = "butter.lab.logback";
    /** System property: a directory the lab copies its processes' logs and configuration files to when it closes. */
    static final String KEEP_PROPERTY = "butter.lab.keep";
    /** Idle established TCP connections a router forgets after this, as home routers do within minutes. */
    static final int ROUTER_TCP_IDLE_SECONDS = 300;
    static final int ROUTER_UDP_IDLE_SECONDS = 30;

    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Pattern LAB_NAMESPACE = Pattern.compile(NetnsLab.NAMESPACE_PREFIX + "nat(\\d+)-\\d+-\\w+");
    private static final Duration DAEMON_START_LIMIT = Duration.ofSeconds(15);

    private final String name;
    private final Path outputDirectory;
    private final List<String> namespaces = new ArrayList<>();
    private final List<LabProcess> processes = new ArrayList<>();
    private final List<Host> publicHosts = new ArrayList<>();
    private final List<Lan> lans = new ArrayList<>();
    private final Thread cleanupOnExit;
    private Host isp;
    private boolean closed;

    /** How a home router treats its LAN's connections. */
    public enum RouterKind {
        /** miniupnpd (UPnP IGD, NAT-PMP and PCP) over endpoint-independent masquerade. */
        UPNP,
        /** Endpoint-independent masquerade (the source port kept where free), no port mapping. */
        PLAIN,
        /** {@code masquerade fully-random}: a random external port for every connection, no port mapping. */
        SYMMETRIC
    }

    /**
     * A home LAN behind its router.
     *
     * @param index     from 1: the LAN is {@code 10.0.<index>.0/24}
     * @param kind      how its router translates
     * @param router    the router's namespace, address and interface on the public segment
     * @param hosts     the LAN's hosts
     */
    public record Lan(int index, RouterKind kind, Host router, List<Host> hosts) {
        /** The router's public address: what the LAN's connections come from, and where mappings are. */
        public String publicAddress() {
            return router.address();
        }
    }

    private NatLab(String name) throws IOException {
        this.name = name;
        this.outputDirectory = Files.createTempDirectory(name);
        this.cleanupOnExit = new Thread(this::cleanUp, name + "-cleanup");
    }

    /**
     * Why a NAT lab cannot be built here, or empty if it can: what {@link NetnsLab#unavailableReason()} needs, plus
     * {@code nft} (package nftables) and {@code miniupnpd} (package miniupnpd, nftables backend).
     */
    public static Optional<String> unavailableReason() {
        Optional<String> netns = NetnsLab.unavailableReason();
        if (netns.isPresent()) {
            return netns;
        }
        if (NetnsLab.command("nft").isEmpty()) {
            return Optional.of("the NAT lab needs the 'nft' command (package nftables)");
        }
        Optional<String> miniupnpd = NetnsLab.command("miniupnpd");
        if (miniupnpd.isEmpty()) {
            return Optional.of("the NAT lab needs 'miniupnpd' (packages miniupnpd, miniupnpd-nftables)");
        }
        String version = NetnsLab.run(miniupnpd.get(), "--version");
        if (!version.contains("nftables")) {
            return Optional.of("the NAT lab needs miniupnpd's nftables backend (package miniupnpd-nftables), not: "
                + version.strip());
        }
        return Optional.empty();
    }

    /** A lab for a test class, or the class skipped (a JUnit assumption) naming why no lab can be built here. */
    static NatLab createOrSkip(int publicHostCount, List<RouterKind> lanKinds, int hostsPerLan) {
        Optional<String> unavailable = unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
        return create(publicHostCount, lanKinds, hostsPerLan);
    }

    /** Closes a test class's lab, if it was built, and checks that none of its namespaces is left. */
    static void closeAndCheck(NatLab lab) {
        if (lab == null) {
            return;
        }
        lab.close();
        org.assertj.core.api.Assertions.assertThat(leftoversOfThisJvm()).as("namespaces left after the NAT lab closed")
            .isEmpty();
    }

    /**
     * Builds a lab: {@code publicHostCount} public hosts, and one LAN of {@code hostsPerLan} hosts per entry of
     * {@code lanKinds}, LAN {@code i} behind a router of kind {@code lanKinds.get(i - 1)}. Starts the STUN server and
     * every miniupnpd and returns once they serve.
     *
     * @throws IllegalStateException if a step fails; whatever was built is removed first
     */
    public static NatLab create(int publicHostCount, List<RouterKind> lanKinds, int hostsPerLan) {
        if (publicHostCount < 1 || publicHostCount > 80 || lanKinds.isEmpty() || lanKinds.size() > 80
            || hostsPerLan < 1 || hostsPerLan > 200) {
            throw new IllegalArgumentException("a NAT lab has 1-80 public hosts, 1-80 LANs of 1-200 hosts");
        }
        NetnsLab.removeLabsOfDeadProcesses(LAB_NAMESPACE);
        NatLab lab;
        try {
            lab = new NatLab(NetnsLab.NAMESPACE_PREFIX + "nat" + ProcessHandle.current().pid() + "-"
                + LABS.incrementAndGet());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the NAT lab's output directory", e);
        }
        Runtime.getRuntime().addShutdownHook(lab.cleanupOnExit);
        try {
            lab.build(publicHostCount, lanKinds, hostsPerLan);
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build(int publicHostCount, List<RouterKind> lanKinds, int hostsPerLan) {
        String ispNamespace = name + "-isp";
        addNamespace(ispNamespace);
        ip(ispNamespace, "link", "set", "lo", "up");
        ip(ispNamespace, "link", "add", "br0", "type", "bridge");
        ip(ispNamespace, "addr", "add", ISP_ADDRESS + "/24", "dev", "br0");
        ip(ispNamespace, "link", "set", "br0", "up");
        isp = new Host(ispNamespace, ISP_ADDRESS, "br0");
        for (int i = 1; i <= publicHostCount; i++) {
            Host host = new Host(name + "-p" + i, PUBLIC_PREFIX + (10 + i), "eth0");
            addNamespace(host.namespace());
            plug(ispNamespace, "br0", "p" + i, host);
            publicHosts.add(host);
        }
        for (int i = 1; i <= lanKinds.size(); i++) {
            lans.add(buildLan(i, lanKinds.get(i - 1), hostsPerLan));
        }
        LabProcess stun = start(isp, "stun", javaCommand(LabStunServer.class.getName(), ISP_ADDRESS, "" + STUN_PORT));
        awaitDaemon(stun, () -> stun.firstLineStartingWith("listening").isPresent(), "the STUN server");
        for (Lan lan : lans) {
            if (lan.kind() == RouterKind.UPNP) {
                startMiniupnpd(lan);
            }
        }
    }

    private Lan buildLan(int index, RouterKind kind, int hostsPerLan) {
        String lanPrefix = "10.0." + index + ".";
        Host router = new Host(name + "-r" + index, PUBLIC_PREFIX + (100 + index), "wan0");
        addNamespace(router.namespace());
        plug(isp.namespace(), "br0", "r" + index, router);
        ip(router.namespace(), "link", "add", "lan0", "type", "bridge");
        ip(router.namespace(), "link", "set", "lan0", "type", "bridge", "mcast_snooping", "0");
        ip(router.namespace(), "addr", "add", lanPrefix + "1/24", "dev", "lan0");
        ip(router.namespace(), "link", "set", "lan0", "up");
        exec(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        exec(router, "nft", "-f", writeRuleset(router, kind).toString());
        exec(router, "sysctl", "-q", "-w",
            "net.netfilter.nf_conntrack_tcp_timeout_established=" + ROUTER_TCP_IDLE_SECONDS,
            "net.netfilter.nf_conntrack_udp_timeout=" + ROUTER_UDP_IDLE_SECONDS,
            "net.netfilter.nf_conntrack_udp_timeout_stream=" + ROUTER_UDP_IDLE_SECONDS);
        List<Host> hosts = new ArrayList<>();
        for (int j = 1; j <= hostsPerLan; j++) {
            Host host = new Host(name + "-l" + index + "h" + j, lanPrefix + (10 + j), "eth0");
            addNamespace(host.namespace());
            plug(router.namespace(), "lan0", "h" + j, host);
            ip(host.namespace(), "route", "add", "default", "via", lanPrefix + "1");
            hosts.add(host);
        }
        return new Lan(index, kind, router, List.copyOf(hosts));
    }

    /** Joins {@code host} to a bridge by a veth pair, gives it its address and brings both ends and its lo up. */
    private void plug(String bridgeNamespace, String bridge, String port, Host host) {
        ip(bridgeNamespace, "link", "add", port, "type", "veth", "peer", "name", host.interfaceName(), "netns",
            host.namespace());
        ip(bridgeNamespace, "link", "set", port, "master", bridge);
        ip(bridgeNamespace, "link", "set", port, "up");
        ip(host.namespace(), "addr", "add", host.address() + "/24", "dev", host.interfaceName());
        ip(host.namespace(), "link", "set", host.interfaceName(), "multicast", "on", "up");
        ip(host.namespace(), "link", "set", "lo", "up");
    }

    /**
     * The router's nftables rules: forward from the LAN, replies back, and (UPnP kind) whatever miniupnpd adds to its
     * chains of table {@code inet filter}, the names its nftables backend expects; masquerade out of the WAN side.
     * Whatever else comes in from the WAN side is dropped without an answer, as home routers do: a Linux router
     * with no rule for it would answer a SYN to a port nothing listens on with a reset, which kills the first dial
     * of a hole punch that arrives before the other side's dial has opened the way.
     */
    private Path writeRuleset(Host router, RouterKind kind) {
        String miniupnpdForward = kind == RouterKind.UPNP ? "    jump miniupnpd\n" : "";
        String miniupnpdPrerouting = kind == RouterKind.UPNP ? "    jump prerouting_miniupnpd\n" : "";
        String miniupnpdPostrouting = kind == RouterKind.UPNP ? "    jump postrouting_miniupnpd\n" : "";
        String masquerade = kind == RouterKind.SYMMETRIC ? "masquerade fully-random" : "masquerade";
        String rules = "table inet filter {\n"
            + "  chain input {\n"
            + "    type filter hook input priority 0; policy drop;\n"
            + "    ct state established,related accept\n"
            + "    iifname { \"lo\", \"lan0\" } accept\n"
            + "  }\n"
            + "  chain forward {\n"
            + "    type filter hook forward priority 0; policy drop;\n"
            + "    ct state established,related accept\n"
            + "    iifname \"lan0\" oifname \"wan0\" accept\n"
            + miniupnpdForward
            + "  }\n"
            + "  chain miniupnpd {\n  }\n"
            + "  chain prerouting {\n"
            + "    type nat hook prerouting priority -100; policy accept;\n"
            + miniupnpdPrerouting
            + "  }\n"
            + "  chain postrouting {\n"
            + "    type nat hook postrouting priority 100; policy accept;\n"
            + miniupnpdPostrouting
            + "    oifname \"wan0\" " + masquerade + "\n"
            + "  }\n"
            + "  chain prerouting_miniupnpd {\n  }\n"
            + "  chain postrouting_miniupnpd {\n  }\n"
            + "}\n";
        return writeFile(router.namespace() + ".nft", rules);
    }

    /**
     * Starts miniupnpd on a router: UPnP IGD, NAT-PMP and PCP on the LAN bridge only, mappings allowed only from the
     * LAN's range to its own address (secure mode), the public address learnt from the lab's STUN server.
     */
    private void startMiniupnpd(Lan lan) {
        Host router = lan.router();
        String lanRange = "10.0." + lan.index() + ".0/24";
        String config = "ext_ifname=wan0\n"
            + "listening_ip=lan0\n"
            + "http_port=0\n"
            + "enable_natpmp=yes\n"
            + "enable_upnp=yes\n"
            + "ext_perform_stun=yes\n"
            + "ext_stun_host=" + ISP_ADDRESS + "\n"
            + "ext_stun_port=" + STUN_PORT + "\n"
            + "secure_mode=yes\n"
            // PCP would stretch short leases to two minutes; the lab's tests renew leases of seconds.
            + "min_lifetime=1\n"
            + "system_uptime=yes\n"
            + "lease_file=" + outputDirectory.resolve(router.namespace() + ".leases") + "\n"
            + "uuid=" + UUID.randomUUID() + "\n"
            + "allow 1024-65535 " + lanRange + " 1024-65535\n"
            + "deny 0-65535 0.0.0.0/0 0-65535\n";
        Path file = writeFile(router.namespace() + "-miniupnpd.conf", config);
        LabProcess daemon = start(router, router.namespace() + "-miniupnpd", List.of(
            NetnsLab.command("miniupnpd").orElseThrow(), "-d", "-f", file.toString(),
            "-P", outputDirectory.resolve(router.namespace() + "-miniupnpd.pid").toString()));
        awaitDaemon(daemon, () -> daemon.stderrText().contains("Listening for NAT-PMP/PCP traffic"),
            "miniupnpd on " + router.namespace());
        if (!daemon.stderrText().contains("Port forwarding is now enabled")) {
            throw new IllegalStateException("miniupnpd on " + router.namespace() + " did not enable port forwarding"
                + " (its STUN check failed?)\n" + daemon.describe());
        }
    }

    private static void awaitDaemon(LabProcess daemon, BooleanSupplier ready, String what) {
        try {
            await().atMost(DAEMON_START_LIMIT).pollInterval(Duration.ofMillis(20))
                .until(() -> ready.getAsBoolean() || !daemon.alive());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(what + " did not start within " + DAEMON_START_LIMIT + "\n"
                + daemon.describe(), e);
        }
        if (!ready.getAsBoolean()) {
            throw new IllegalStateException(what + " exited\n" + daemon.describe());
        }
    }

    /**
     * The command that runs a Java main class of the test class path in a lab host: this JVM's {@code java}, its class
     * path (butter-cli, the tests and every dependency), and options that make a JVM start on little CPU.
     */
    public static List<String> javaCommand(String mainClass, String... arguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Dlogback.configurationFile=" + System.getProperty(LOGBACK_PROPERTY, "logback.xml"), "-cp",
            System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(arguments));
        return command;
    }

    private Path writeFile(String fileName, String text) {
        Path file = outputDirectory.resolve(fileName);
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
        return file;
    }

    private void addNamespace(String namespace) {
        NetnsLab.run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
    }

    private static void ip(String namespace, String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(arguments));
        NetnsLab.run(command.toArray(String[]::new));
    }

    /** The hosts on the public segment, in order: host {@code i} (from 0) is {@code 203.0.113.<11+i>}. */
    public List<Host> publicHosts() {
        return List.copyOf(publicHosts);
    }

    /** The home LANs, in order: LAN {@code i} (from 0) is {@code 10.0.<i+1>.0/24}. */
    public List<Lan> lans() {
        return List.copyOf(lans);
    }

    /** The prefix of every namespace of this lab. */
    public String name() {
        return name;
    }

    /** Starts a process in a namespace of the lab; see {@link NetnsLab#start}. */
    public synchronized LabProcess start(Host host, String label, List<String> command) {
        if (closed) {
            throw new IllegalStateException("the NAT lab " + name + " is closed");
        }
        List<String> inNamespace = new ArrayList<>(List.of(NetnsLab.command("ip").orElseThrow(), "netns", "exec",
            host.namespace(), NetnsLab.command("timeout").orElseThrow(), "--kill-after=5s",
            NetnsLab.MAX_PROCESS_SECONDS + "s"));
        inNamespace.addAll(command);
        LabProcess process = LabProcess.start(label, inNamespace, outputDirectory.resolve(label + ".err"));
        processes.add(process);
        return process;
    }

    /**
     * Starts {@code butter <arguments>} (e.g. {@code node --port 7000}) as a process in a host of the lab, on the test
     * class path; stopped (SIGTERM, so a node shuts down gracefully) when the lab closes.
     */
    public LabProcess startButter(Host host, String label, String... arguments) {
        return start(host, label, javaCommand(ButterCli.class.getName(), arguments));
    }

    /** Runs a short command in a namespace of the lab and returns its output; see {@link NetnsLab#exec}. */
    public String exec(Host host, String... command) {
        List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        inNamespace.addAll(List.of(command));
        return NetnsLab.run(inNamespace.toArray(String[]::new));
    }

    /** The namespaces of every NAT lab this JVM created that still exist: none once each is closed. */
    public static List<String> leftoversOfThisJvm() {
        String prefix = NetnsLab.NAMESPACE_PREFIX + "nat" + ProcessHandle.current().pid() + "-";
        return NetnsLab.existingNamespaces().stream().filter(namespace -> namespace.startsWith(prefix)).toList();
    }

    /** Kills the lab's processes, deletes its namespaces and its files. Idempotent. */
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
        for (LabProcess process : processes.reversed()) {
            try {
                process.stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        for (String namespace : namespaces.reversed()) {
            try {
                NetnsLab.run("ip", "netns", "del", namespace);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try (Stream<Path> files = Files.list(outputDirectory)) {
            for (Path file : files.toList()) {
                String keep = System.getProperty(KEEP_PROPERTY);
                if (keep != null) {
                    Files.createDirectories(Path.of(keep));
                    Files.copy(file, Path.of(keep).resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(outputDirectory);
        } catch (IOException e) {
            // Only temporary files are left behind; the namespaces are what matters.
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the NAT lab " + name
                + " was not removed cleanly");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
