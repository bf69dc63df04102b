package network.butter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.butter.env.PathKind;
import network.butter.identity.PeerId;
import network.butter.identity.HostPort;
import network.butter.identity.IdentityStore;
import network.butter.control.ControlConfig;
import network.butter.control.ControlServer;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;
import network.butter.node.StorageConfig;
import network.butter.hosts.HostQuality;
import network.butter.hosts.KnownHosts;
import network.butter.node.discover.DiscoveryConfig;
import network.butter.node.portmap.Mapping;
import network.butter.wider.AmbassadorMode;
import network.butter.wider.Wider;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code butter node}: runs a plain node until stopped. It prints {@code peer id: <id>} and one
 * {@code address: <id>@<host>:<port>} line for each address other machines can dial, best first (a node on
 * {@code 0.0.0.0} names its interfaces' addresses, never a wildcard or loopback one when it has others), on stdout
 * (logs go to stderr), so scripts can read where it is, then
 * {@code path to <id>: direct|punched|relayed} whenever the way to a known host changes, and
 * {@code known peer <id>@<host>:<port> after <ms> ms (…)} for each peer admitted to its known-host list (found by
 * LAN discovery, bootstrap or peer exchange, and checked over TLS), counted from the moment the node listens, so
 * scripts can measure how soon a node knows its first peer, and {@code peer <id> moved to <id>@<host>:<port>} when a
 * known peer is listed under a new address (it advertised one that works from outside its LAN, or a relayed one). Discovery is on unless the node listens on loopback.
 * Unless {@code --no-port-mapping} (or on loopback) it asks the home router to forward its port and prints
 * {@code port mapping: <host:port> via PCP|NAT-PMP|UPnP}, or {@code port mapping: none (<why>)}.
 * Unless on loopback it has peers dial it back and prints {@code reachability: public <host:port>} or
 * {@code reachability: private, relayed via <id@host:port>} whenever that conclusion changes, followed by the
 * {@code address:} lines others can use now; {@code --ambassador}, {@code --no-ambassador} and {@code --no-relay}
 * set its role for nodes behind NATs.
 * Storage is on unless {@code --no-storage}: with {@code --data-dir} its chunks live in the directory's
 * {@value StorageConfig#CHUNK_DIRECTORY}, so a restarted node still holds them and rejoins their groups. Ctrl-C or
 * SIGTERM shuts it down gracefully: requests in flight get up to five seconds to finish.
 */
@Command(
    name = "node",
    description = {
        "Start a node and run it until stopped (Ctrl-C).",
        "Prints its peer id and its addresses (id@host:port, best first) on stdout; other nodes reach it there. "
            + "Then prints "
            + "'known peer ID@HOST:PORT after MS ms (...)' for each peer it comes to know: found on the local "
            + "network, through --bootstrap, or from the peers it knows."})
final class NodeCommand implements Callable<Integer> {

    /** How long the path printer waits for the node loop to list the paths before it skips a round. */
    private static final long PATHS_WAIT_SECONDS = 2;


    /** The port a node listens on unless told otherwise: fixed, so that it can be forwarded and shared. */
    static final int DEFAULT_PORT = 7000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
        description = "Address to listen on; 0.0.0.0 is every interface, 127.0.0.1 this machine only.")
    private String host;

    @Option(names = {"-p", "--port"}, converter = Converters.ListenPort.class, defaultValue = "" + DEFAULT_PORT,
        paramLabel = "PORT",
        description = "TCP port to listen on; 0 picks any free port.")
    private int port;

    @Option(names = "--advertise-host", paramLabel = "HOST",
        description = "Host other nodes should dial, when it differs from the listening address "
            + "(e.g. your public address behind a forwarded port). Default: derived from --host.")
    private String advertiseHost;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Directory for the node's key (" + IdentityStore.FILE_NAME + ") and its storage chunks ("
            + StorageConfig.CHUNK_DIRECTORY + "/), so that it keeps its peer id and the content it holds across "
            + "restarts; created if missing. Default: none, a fresh identity every run and chunks in memory.")
    private Path dataDirectory;

    @Option(names = "--memory", converter = Converters.MemoryBudget.class, defaultValue = "512m",
        paramLabel = "SIZE",
        description = "Memory budget of the node, e.g. 256m, 1g, 768MiB (binary units; at least 16m). "
            + "Connection, frame and handler limits derive from it.")
    private DataSize memory;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private StorageOptions storage;

    /** {@code --storage SIZE} or {@code --no-storage}: one or the other, or neither for the defaults. */
    static final class StorageOptions {
        @Option(names = "--storage", paramLabel = "SIZE", required = true,
            description = "Most the node keeps for the network's storage, e.g. 10g. Default: 1g on disk with "
                + "--data-dir, else a quarter of --memory in memory (at most half of it).")
        private DataSize capacity;

        @Option(names = "--no-storage", required = true,
            description = "Take no part in storage: keep no copies for the network and serve no storage requests.")
        private boolean off;
    }

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", showDefaultValue = Visibility.NEVER,
        description = "A node to connect to at start; repeat for several.")
    private List<HostPort> bootstrap = List.of();

    @Option(names = "--discovery", negatable = true, showDefaultValue = Visibility.NEVER,
        description = "Find peers on the local network by UDP multicast, or not (--no-discovery). "
            + "Default: on, unless --host is a loopback address.")
    private Boolean discovery;

    @Option(names = "--discovery-interface", paramLabel = "NAME", showDefaultValue = Visibility.NEVER,
        description = "Network interface to multicast on, e.g. eth0. Default: the interface that owns the --host "
            + "address; for 0.0.0.0, the one the system routes the group through.")
    private String discoveryInterface;

    @Option(names = "--discovery-group", converter = DiscoveryGroup.class,
        defaultValue = DiscoveryConfig.DEFAULT_GROUP, paramLabel = "ADDRESS",
        description = "IPv4 multicast group that nodes meet in; nodes in different groups do not find each other.")
    private String discoveryGroup;

    @Option(names = "--discovery-port", converter = DiscoveryPort.class,
        defaultValue = "" + DiscoveryConfig.DEFAULT_PORT, paramLabel = "PORT",
        description = "UDP port of the discovery group.")
    private int discoveryPort;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + ControlConfig.DEFAULT_PORT,
        description = "Port of the node's control API (status, content, used by 'butter status', 'butter put', …); "
            + "default ${DEFAULT-VALUE}.")
    private int httpPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = ControlConfig.DEFAULT_HOST,
        description = "Address the control API listens on; anything but loopback needs --http-token. "
            + "Default ${DEFAULT-VALUE}.")
    private String httpHost;

    @Option(names = "--http-token", paramLabel = "TOKEN",
        description = "Access token the control API requires (at least 16 characters).")
    private String httpToken;

    @Option(names = "--no-http", description = "Serve no control API.")
    private boolean noHttp;

    /** The default port the control API stepped aside from because it was taken, or 0. */
    private int movedApiFrom;

    @Option(names = "--no-port-mapping", showDefaultValue = Visibility.NEVER,
        description = "Do not ask the home router to forward the port (by PCP, NAT-PMP or UPnP). Default: ask, unless "
            + "--host is a loopback address; the mapping is renewed while the node runs and removed when it stops.")
    private boolean noPortMapping;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private AmbassadorOptions ambassador;

    /** {@code --ambassador} or {@code --no-ambassador}: one or the other, or neither for automatic. */
    static final class AmbassadorOptions {
        @Option(names = "--ambassador", required = true,
            description = "Always serve as an ambassador: introduce nodes behind NATs to each other and relay for "
                + "them, e.g. on a server you know others can dial. Default: only while peers find this node public.")
        private boolean on;

        @Option(names = "--no-ambassador", required = true,
            description = "Never serve as an ambassador, even when public.")
        private boolean off;
    }

    @Option(names = "--no-relay", showDefaultValue = Visibility.NEVER,
        description = "Neither reach peers through relays when this node is private, nor relay for others when it is "
            + "an ambassador. Default: both.")
    private boolean noRelay;

    /** The node configuration the options describe; the converters have already checked every value. */
    NodeConfig config() {
        NodeConfig.Builder builder = NodeConfig.builder()
            .host(host)
            .port(port)
            .advertisedHost(advertiseHost)
            .dataDirectory(dataDirectory == null ? null : dataDirectory.toAbsolutePath())
            .memoryBudgetBytes(memory.bytes())
            .portMapping(!noPortMapping)
            .relay(!noRelay);
        if (ambassador != null) {
            builder.ambassador(ambassador.on ? AmbassadorMode.ON : AmbassadorMode.OFF);
        }
        if (storage != null && storage.off) {
            builder.storage(false);
        } else if (storage != null) {
            builder.storageCapacityBytes(storage.capacity.bytes());
        }
        bootstrap.forEach(builder::bootstrap);
        if (discovery != null ? discovery : !isLoopback(host)) {
            builder.discovery(DiscoveryConfig.defaults()
                .withGroup(discoveryGroup)
                .withPort(discoveryPort)
                .withInterfaceName(discoveryInterface));
        }
        return builder.build();
    }

    /**
     * Binds the control API before the node starts. When the default port is taken (another node runs on this machine) the node serves it
     * on a free port instead and says so, so that a second node starts without options; a port asked for with
     * {@code --http-port} must be free.
     */
    private ControlServer bindControlApi(ButterNode node, ControlConfig control) {
        try {
            return ControlServer.bind(node, control);
        } catch (IllegalStateException taken) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--http-port")) {
                throw taken;
            }
            movedApiFrom = control.port();
            return ControlServer.bind(node, new ControlConfig(control.host(), 0, control.token()));
        }
    }

    /** One line on where the node keeps its storage, if anywhere, and how much. */
    private static String describeStorage(NodeConfig config) {
        if (config.storage() == null) {
            return "storage: off";
        }
        String most = "storage: up to " + new DataSize(config.storage().capacityBytes());
        return config.dataDirectory() == null
            ? most + " in memory (use --data-dir to keep it across restarts)"
            : most + " in " + StorageConfig.chunkDirectory(config.dataDirectory());
    }

    /** Loopback nodes are for trying things out on one machine: they do not multicast unless asked to. */
    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Starts the node, prints where it is, and blocks until the JVM shuts down or this thread is interrupted. */
    @Override
    public Integer call() {
        ControlConfig control = noHttp ? null : new ControlConfig(httpHost, httpPort, httpToken);
        ButterNode node = Butter.node(config());
        ControlServer api = control == null ? null : bindControlApi(node, control);
        try {
            node.start();
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            throw e;
        }
        if (api != null) {
            api.serve();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread closeOnExit = new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "butter-shutdown");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
        try {
            PrintWriter out = spec.commandLine().getOut();
            out.println("peer id: " + node.id());
            node.addresses().forEach(address -> out.println("address: " + address));
            out.flush();
            printPortMapping(node, out);
            node.wider().ifPresent(wider -> printReachability(node, wider, out));
            node.wider().ifPresent(wider -> printPaths(node, wider, out));
            printKnownPeers(node.knownHosts(), out);
            PrintWriter err = spec.commandLine().getErr();
            err.println(dataDirectory == null
                ? "identity: fresh for this run (use --data-dir to keep it)"
                : "identity: kept in " + dataDirectory.toAbsolutePath().resolve(IdentityStore.FILE_NAME));
            err.println(describeStorage(node.config()));
            if (node.config().discovery() == null) {
                err.println("discovery: off (--discovery turns it on)");
            }
            if (api != null && movedApiFrom != 0) {
                err.println("control API: port " + movedApiFrom + " is taken (another node?), so this node serves it on "
                    + api.address().getPort() + "; use --api 127.0.0.1:" + api.address().getPort() + " with the butter commands");
            }
            err.println(api == null ? "control API: off" : "control API: http://" + httpHost + ":" + api.address().getPort()
                + ControlServer.PREFIX + " (butter status, butter put FILE, butter get ID)");
            err.println("running; stop with Ctrl-C");
            err.flush();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            removeShutdownHook(closeOnExit);
            if (api != null) {
                api.close();
            }
            node.close();
        }
        return 0;
    }

    /**
     * {@code port mapping: <host:port> via PCP|NAT-PMP|UPnP} once the router granted it, or {@code port mapping: none
     * (<why>)} or {@code port mapping: off (<why>)}; then a line whenever the mapped address changes.
     */
    private void printPortMapping(ButterNode node, PrintWriter out) {
        node.portMapper().ifPresentOrElse(mapper -> mapper.firstAttempt().thenAccept(first -> {
            out.println("port mapping: " + first.map(Mapping::describe).orElse("none (" + mapper.problem() + ")"));
            out.flush();
            mapper.onChange(address -> {
                out.println("port mapping: " + mapper.mapping().map(Mapping::describe)
                    .orElse("lost (" + mapper.problem() + ")"));
                out.flush();
            });
        }), () -> {
            out.println("port mapping: off (" + (noPortMapping ? "--no-port-mapping" : "listening on loopback") + ")");
            out.flush();
        });
    }

    /**
     * {@code reachability: public <host:port>}, {@code reachability: private, relayed via <id@host:port>} (or
     * {@code private, no relay yet}) whenever the wider layer's conclusion changes, each followed by the
     * {@code address:} lines others can use now, best first.
     */
    private static void printReachability(ButterNode node, Wider wider, PrintWriter out) {
        wider.onChange(state -> {
            synchronized (out) {
                out.println("reachability: " + state.describe() + (state.ambassador() ? " (ambassador)" : ""));
                node.addresses().forEach(address -> out.println("address: " + address));
                out.flush();
            }
        });
    }

    /**
     * {@code path to <id>: direct|punched|relayed} whenever the way frames to a known host travel changes (looked at
     * every second): how a user, and the NAT lab, see which peers were reached through a relay and which ones hole
     * punching upgraded to a direct connection.
     */
    private static void printPaths(ButterNode node, Wider wider, PrintWriter out) {
        Map<PeerId, PathKind> shown = new HashMap<>();
        node.every(Duration.ofSeconds(1), ignored -> {
            Map<PeerId, PathKind> now = wider.paths().get(PATHS_WAIT_SECONDS, TimeUnit.SECONDS);
            synchronized (out) {
                now.forEach((peer, path) -> {
                    if (shown.put(peer, path) != path) {
                        out.println("path to " + peer + ": " + path.name().toLowerCase(Locale.ROOT));
                    }
                });
                shown.keySet().retainAll(now.keySet());
                out.flush();
            }
        });
    }

    /**
     * One line per peer admitted to the known-host list (found by discovery, bootstrap or peer exchange and
     * checked over TLS), with the time since the node started listening and what the peer reported about itself:
     * {@code known peer <id@host:port> after <ms> ms (up …, offers …, knows …, known by …, subnet …)}, and
     * {@code peer <id> moved to <id@host:port>} when a known peer is listed under a new address. Printed on the node
     * loop, hence quick and flushed at once.
     */
    private static void printKnownPeers(KnownHosts hosts, PrintWriter out) {
        hosts.onAdmitted(host -> {
            HostQuality quality = host.quality();
            out.println("known peer " + host.address() + " after " + (host.admittedAtMs() - hosts.startedAtMs())
                + " ms (up " + quality.uptimeMs() / 1000 + " s, offers " + quality.storageAvailableBytes()
                + " bytes, knows " + quality.knownHosts() + ", known by " + quality.knownBy()
                + (quality.ambassador() ? ", ambassador" : "") + ", subnet " + host.subnet() + ")");
            out.flush();
        });
        hosts.onMoved(host -> {
            out.println("peer " + host.address().id() + " moved to " + host.address());
            out.flush();
        });
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down: the hook runs, or ran, and closes the node itself.
        }
    }

    /** For {@code --discovery-group}: an IPv4 multicast literal, checked as {@link DiscoveryConfig} checks it. */
    static final class DiscoveryGroup implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            try {
                return DiscoveryConfig.defaults().withGroup(text.strip()).group();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** For {@code --discovery-port}: a UDP port, 1-65535. */
    static final class DiscoveryPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            try {
                return DiscoveryConfig.defaults().withPort(Integer.parseInt(text.strip())).port();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + text + "' is not a UDP port: use 1-65535");
            }
        }
    }
}
