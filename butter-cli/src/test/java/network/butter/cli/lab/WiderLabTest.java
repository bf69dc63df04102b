package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import network.butter.cli.lab.NatLab.Lan;
import network.butter.cli.lab.NatLab.RouterKind;
import network.butter.cli.lab.NetnsLab.Host;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wider layer with real {@code butter node} processes in the NAT lab: three ambassadors on the public segment and
 * two nodes in each of three home LANs (miniupnpd, plain masquerade, symmetric). Every node learns its reachability,
 * comes to know nodes of the other LANs (each admission is a request answered over TLS, directly or through a relay),
 * and content put in LAN 1 is read in LAN 3 after its putter is killed.
 */
class WiderLabTest {

    private static final int NODE_PORT = 7000;
    private static final int API_PORT = 7080;
    private static final Duration STEP_BOUND = Duration.ofSeconds(45);
    /** The longest sample interval (60 s) and a round trip's margin under load. */
    private static final Duration SAMPLE_BACKOFF_BOUND = Duration.ofSeconds(90);
    /**
     * How long the JVMs of a step may take to start: six at once on a loaded 2-core CI machine took over 45 s (load
     * 44-74); starting is not what this test checks.
     */
    private static final Duration START_BOUND = Duration.ofSeconds(120);

    private static NatLab lab;

    @BeforeAll
    static void buildTheLab() {
        lab = NatLab.createOrSkip(3, List.of(RouterKind.UPNP, RouterKind.PLAIN, RouterKind.SYMMETRIC), 2);
    }

    @AfterAll
    static void removeTheLab() {
        NatLab.closeAndCheck(lab);
    }

    @Test
    @Timeout(400)
    void shouldLetNodesInThreeHomeLansKnowEachOtherAndReadContentPutInLan1FromLan3AfterItsPutterDied() {
        List<LabProcess> all = new ArrayList<>();
        List<String> bootstrap = new ArrayList<>();
        for (Host host : lab.publicHosts()) {
            bootstrap.add("--bootstrap");
            bootstrap.add(host.address() + ":" + NODE_PORT);
        }
        // The ambassadors know each other before anyone joins: a LAN node meets all three by peer exchange.
        Host first = lab.publicHosts().getFirst();
        all.add(startNode(first, "ambassador-" + first.address(), "--ambassador"));
        LabSteps.awaitOrFail(() -> all.getFirst().firstLineStartingWith("peer id: ").isPresent(),
            "the first ambassador starts", all, START_BOUND, Duration.ofMillis(50));
        for (Host host : lab.publicHosts().subList(1, lab.publicHosts().size())) {
            all.add(startNode(host, "ambassador-" + host.address(), "--ambassador", "--bootstrap",
                first.address() + ":" + NODE_PORT));
        }
        LabSteps.awaitOrFail(() -> all.stream().allMatch(node -> node.firstLineStartingWith("known peer ").isPresent()),
            "the ambassadors start and know each other", all, START_BOUND, Duration.ofMillis(50));
        List<List<LabProcess>> lanNodes = new ArrayList<>();
        for (Lan lan : lab.lans()) {
            List<LabProcess> nodes = new ArrayList<>();
            for (Host host : lan.hosts()) {
                nodes.add(startNode(host, "lan" + lan.index() + "-" + lan.kind() + "-" + host.address(),
                    bootstrap.toArray(String[]::new)));
            }
            lanNodes.add(nodes);
            all.addAll(nodes);
        }
        LabSteps.awaitOrFail(() -> all.stream().allMatch(node -> node.firstLineStartingWith("peer id: ").isPresent()),
            "every node starts", all, START_BOUND, Duration.ofMillis(50));

        awaitOrFail(() -> lanNodes.get(0).stream().allMatch(node -> reachability(node).startsWith("public "))
                && lanNodes.subList(1, 3).stream().flatMap(List::stream)
                .allMatch(node -> reachability(node).startsWith("private, relayed via ")),
            "the port-mapped LAN's nodes find themselves public, the others private and relayed", all);
        for (LabProcess mapped : lanNodes.get(0)) {
            assertThat(reachability(mapped)).as("%s is public at its router's address", mapped.label())
                .startsWith("public " + lab.lans().get(0).publicAddress() + ":");
        }

        // LAN nodes learn the other LANs' nodes from the ambassadors' samples; sample rounds that brought nothing new
        // (asked before the ambassadors knew the other LANs) back off up to the longest poll interval, 60 s.
        LabSteps.awaitOrFail(() -> everyLanNodeKnowsANodeOfEveryOtherLan(lanNodes),
            "every LAN node knows a node of every other LAN", all, SAMPLE_BACKOFF_BOUND, Duration.ofMillis(50));
        // A peer that met a miniupnpd node before its mapping was granted knew it at a relayed address: it follows
        // the address the node advertised since, whichever connection it heard it on.
        try {
            await().atMost(STEP_BOUND).pollInterval(Duration.ofMillis(50)).until(() -> paths(lanNodes).stream()
                .filter(path -> path.contains("-> lan1-")).allMatch(path -> path.endsWith(": mapped")));
        } catch (ConditionTimeoutException e) {
            // The assertion below names the peers that still know a miniupnpd node elsewhere.
        }
        List<String> paths = paths(lanNodes);
        System.out.println("paths between LANs (observer -> node: how it knows it):\n  " + String.join("\n  ", paths));
        assertThat(paths).as("nodes of the miniupnpd LAN are known at their mapped addresses")
            .filteredOn(path -> path.contains("-> lan1-")).isNotEmpty().allMatch(path -> path.endsWith(": mapped"));
        // The known-host address shows how a peer was admitted, not every path the transport took to it since.
        assertThat(paths).as("nodes of LANs without port mapping are known to each other through relays")
            .filteredOn(path -> path.matches("lan[23]-.* -> lan[23]-.*")).isNotEmpty()
            .allMatch(path -> path.endsWith(": relayed") || path.endsWith(": direct"))
            .anyMatch(path -> path.endsWith(": relayed"));
        assertThat(paths).as("nodes of LANs without port mapping are known to mapped nodes through relays, or "
                + "directly where they dialled them")
            .filteredOn(path -> path.matches("lan1-.* -> lan[23]-.*")).isNotEmpty()
            .allMatch(path -> path.endsWith(": relayed") || path.endsWith(": direct"));

        LabProcess putter = lanNodes.get(0).getFirst();
        Host putterHost = lab.lans().get(0).hosts().getFirst();
        String content = "put behind a home router, read behind a symmetric NAT";
        String id = lab.exec(putterHost, "bash", "-c", "printf '%s' '" + content + "' | "
            + butterCommand("put", "--api", "127.0.0.1:" + API_PORT, "-")).strip();
        killHard(putterHost);
        putter.stop();
        Host reader = lab.lans().get(2).hosts().getFirst();
        // "--" ends the options: a content id may begin with '-' (one in 64 does), which picocli would read as one.
        String read = lab.exec(reader, butterCommand("get", "--api", "127.0.0.1:" + API_PORT, "--", id).split(" "));
        assertThat(read).as("content %s read in LAN 3 once its putter in LAN 1 is gone", id).isEqualTo(content);
    }

    /**
     * For every LAN node and every node of another LAN that knows it, how: {@code relayed} (a relayed address),
     * {@code mapped} (its router's address, the router forwarding a port mapping), {@code direct} (its router's
     * address on a router without port mapping: the connection it opened, or a punched one) or {@code other
     * <address>}.
     */
    private static List<String> paths(List<List<LabProcess>> lanNodes) {
        List<String> paths = new ArrayList<>();
        for (int lan = 0; lan < lanNodes.size(); lan++) {
            Lan home = lab.lans().get(lan);
            for (LabProcess node : lanNodes.get(lan)) {
                for (int other = 0; other < lanNodes.size(); other++) {
                    if (other == lan) {
                        continue;
                    }
                    for (LabProcess observer : lanNodes.get(other)) {
                        currentAddress(observer, LabSteps.id(node)).ifPresent(address -> {
                            String how = address.contains("/via/") ? "relayed"
                                : !address.contains("@" + home.publicAddress() + ":") ? "other " + address
                                : home.kind() == RouterKind.UPNP ? "mapped" : "direct";
                            paths.add(observer.label() + " -> " + node.label() + ": " + how);
                        });
                    }
                }
            }
        }
        return paths;
    }

    /**
     * Where {@code observer} knows peer {@code id} now: the address of its latest {@code known peer} (admitted) or
     * {@code peer … moved to} line.
     */
    private static Optional<String> currentAddress(LabProcess observer, String id) {
        String admitted = "known peer " + id + "@";
        String moved = "peer " + id + " moved to ";
        return observer.lines().reversed().stream().map(LabProcess.Line::text)
            .filter(text -> text.startsWith(admitted) || text.startsWith(moved)).findFirst()
            .map(text -> text.startsWith(admitted) ? text.split(" ")[2] : text.substring(moved.length()));
    }

    /** SIGKILL to every process in the host's namespace (all started by this lab): no goodbye, no hand-over. */
    private static void killHard(Host host) {
        for (String pid : NetnsLab.run("ip", "netns", "pids", host.namespace()).strip().split("\\s+")) {
            if (!pid.isEmpty()) {
                NetnsLab.run("kill", "-9", pid);
            }
        }
    }

    private static boolean everyLanNodeKnowsANodeOfEveryOtherLan(List<List<LabProcess>> lanNodes) {
        for (int lan = 0; lan < lanNodes.size(); lan++) {
            for (LabProcess node : lanNodes.get(lan)) {
                for (int other = 0; other < lanNodes.size(); other++) {
                    if (other != lan && lanNodes.get(other).stream().noneMatch(peer -> LabSteps.knows(node, LabSteps.id(peer)))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The node's latest {@code reachability:} line, without its prefix; empty before the first. */
    private static String reachability(LabProcess node) {
        return node.lines().reversed().stream().map(LabProcess.Line::text)
            .filter(text -> text.startsWith("reachability: ")).findFirst()
            .map(text -> text.substring("reachability: ".length())).orElse("");
    }

    private static String butterCommand(String... arguments) {
        return String.join(" ", NatLab.javaCommand(network.butter.cli.ButterCli.class.getName(), arguments));
    }

    private static LabProcess startNode(Host host, String label, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", "--host", "0.0.0.0", "--port", "" + NODE_PORT,
            "--no-discovery", "--http-port", "" + API_PORT));
        command.addAll(List.of(arguments));
        return lab.startButter(host, label, command.toArray(String[]::new));
    }

    private static void awaitOrFail(BooleanSupplier condition, String what, List<LabProcess> processes) {
        LabSteps.awaitOrFail(condition, what, processes, STEP_BOUND, Duration.ofMillis(50));
    }
}
