package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.cli.lab.NatLab.Lan;
import network.butter.cli.lab.NatLab.RouterKind;
import network.butter.cli.lab.NetnsLab.Host;
import network.butter.node.portmap.MappingMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NAT lab with real processes: the port-mapping client against a real miniupnpd (UPnP IGD, NAT-PMP, PCP) on a
 * lab router, and {@code butter node} processes in three home LANs (miniupnpd, plain masquerade, symmetric) and on the
 * public segment: what each LAN can reach, and what the public segment can reach of each.
 */
class NatLabTest {

    private static final int NODE_PORT = 7000;
    private static final int PROBE_PORT = 7100;
    /** A lease this short is renewed every second, so a test sees it outlive its first lease within seconds. */
    private static final int SHORT_LEASE_SECONDS = 2;
    private static final Duration STEP_BOUND = Duration.ofSeconds(30);
    private static final Pattern CONNTRACK_TCP = Pattern.compile(
        "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) .*?src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+)");

    private static NatLab lab;

    @BeforeAll
    static void buildTheLab() {
        lab = NatLab.createOrSkip(2, List.of(RouterKind.UPNP, RouterKind.PLAIN, RouterKind.SYMMETRIC), 3);
    }

    @AfterAll
    static void removeTheLab() {
        NatLab.closeAndCheck(lab);
    }

    @Test
    void shouldMapThreeHostsPortsOnMiniupnpdByUpnpNatPmpAndPcpKeepThemPastTheirLeaseAndRemoveThemOnClose() {
        Lan home = lab.lans().getFirst();
        Host outside = lab.publicHosts().getFirst();
        // Every host wants the same external port: the router gives it to one and other ports to the others.
        List<MappingMethod> methods = List.of(MappingMethod.UPNP, MappingMethod.NAT_PMP, MappingMethod.PCP);
        List<LabProcess> probes = new ArrayList<>();
        for (int i = 0; i < methods.size(); i++) {
            probes.add(startProbe(home.hosts().get(i), methods.get(i), PROBE_PORT));
        }

        awaitOrFail(() -> probes.stream().allMatch(probe -> probe.firstLineStartingWith("mapped ").isPresent()),
            "every probe maps its port", probes);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < methods.size(); i++) {
            ports.add(mappedPort(probes.get(i), home, methods.get(i).label()));
        }
        assertThat(ports).as("external ports").contains(PROBE_PORT).doesNotHaveDuplicates();
        String redirects = miniupnpdRedirects(home);
        for (int i = 0; i < methods.size(); i++) {
            assertThat(redirects).as("miniupnpd's forwarding rules")
                .contains("dport " + ports.get(i) + " dnat ip to " + home.hosts().get(i).address() + ":" + PROBE_PORT);
        }

        // Three renewals of a 2 s lease renewed every second: the mappings have outlived their first lease.
        awaitOrFail(() -> probes.stream().allMatch(probe -> probe.firstLineStartingWith("renewals 3").isPresent()),
            "every lease renewed three times", probes);
        for (int i = 0; i < methods.size(); i++) {
            assertThat(dial(outside, home.publicAddress(), ports.get(i))).as("dial the %s mapping from outside",
                methods.get(i)).isTrue();
        }
        awaitOrFail(() -> probes.stream().allMatch(probe ->
            probe.firstLineStartingWith("accepted from " + outside.address()).isPresent()),
            "each probe accepts the connection from outside", probes);

        probes.forEach(LabProcess::stop);

        for (int i = 0; i < methods.size(); i++) {
            assertThat(probes.get(i).stderrText()).as(probes.get(i).describe()).contains("port mapping: removed "
                + home.publicAddress() + ":" + ports.get(i) + " via " + methods.get(i).label());
        }
        String left = miniupnpdRedirects(home);
        assertThat(ports).as("ports still forwarded once every probe closed: %s", left)
            .noneMatch(port -> left.contains("dport " + port + " "));
        assertThat(dial(outside, home.publicAddress(), ports.getFirst())).as("dial a removed mapping").isFalse();
    }

    /** The external port of a probe's {@code mapped <router>:<port> via <method>} line, checking the rest. */
    private static int mappedPort(LabProcess probe, Lan home, String method) {
        String line = probe.firstLineStartingWith("mapped ").orElseThrow().text();
        Matcher mapped = Pattern.compile("mapped " + Pattern.quote(home.publicAddress()) + ":(\\d+) via "
            + Pattern.quote(method)).matcher(line);
        assertThat(mapped.matches()).as("%s maps on its router by %s: %s", probe.label(), method, line).isTrue();
        return Integer.parseInt(mapped.group(1));
    }

    @Test
    void shouldLetEveryLanReachThePublicSegmentButOnlyThePortMappedNodeBeDialledFromIt() {
        List<LabProcess> nodes = new ArrayList<>();
        Host ambassadorHost = lab.publicHosts().get(0);
        Host outsiderHost = lab.publicHosts().get(1);
        LabProcess ambassador = startNode(ambassadorHost, "public-1");
        nodes.add(ambassador);
        awaitOrFail(() -> ambassador.firstLineStartingWith("peer id: ").isPresent(), "the public node starts", nodes);
        List<LabProcess> lanNodes = new ArrayList<>();
        for (Lan lan : lab.lans()) {
            LabProcess node = startNode(lan.hosts().getFirst(), "lan" + lan.index() + "-" + lan.kind(),
                "--bootstrap", ambassadorHost.address() + ":" + NODE_PORT);
            lanNodes.add(node);
            nodes.add(node);
        }
        String ambassadorId = LabSteps.id(ambassador);

        awaitOrFail(() -> lanNodes.stream().allMatch(node -> LabSteps.knows(node, ambassadorId)
            && node.firstLineStartingWith("port mapping: ").isPresent()),
            "every LAN node knows the public node and has tried to map its port", nodes);
        Lan mapped = lab.lans().get(0);
        assertThat(lanNodes.get(0).firstLineStartingWith("port mapping: ").orElseThrow().text())
            .isEqualTo("port mapping: " + mapped.publicAddress() + ":" + NODE_PORT + " via PCP");
        for (LabProcess unmapped : lanNodes.subList(1, 3)) {
            assertThat(unmapped.firstLineStartingWith("port mapping: ").orElseThrow().text())
                .startsWith("port mapping: none (PCP: ");
        }

        assertThat(dial(outsiderHost, mapped.publicAddress(), NODE_PORT)).as("dial the mapped node's router")
            .isTrue();
        for (Lan lan : lab.lans().subList(1, 3)) {
            assertThat(dial(outsiderHost, lan.publicAddress(), NODE_PORT)).as("dial the %s router", lan.kind())
                .isFalse();
            assertThat(dial(outsiderHost, lan.hosts().getFirst().address(), NODE_PORT))
                .as("dial a host behind the %s router directly", lan.kind()).isFalse();
        }
        LabProcess outsider = startNode(outsiderHost, "public-2", "--bootstrap",
            mapped.publicAddress() + ":" + NODE_PORT);
        nodes.add(outsider);
        String mappedId = LabSteps.id(lanNodes.getFirst());
        awaitOrFail(() -> LabSteps.knows(outsider, mappedId), "a public node reaches the LAN node by its mapped address",
            nodes);

        assertThat(translatedPorts(lab.lans().get(1), NODE_PORT)).as("plain masquerade keeps the source port")
            .isNotEmpty().allMatch(ports -> ports[0] == ports[1]);
        assertThat(translatedPorts(lab.lans().get(2), NODE_PORT)).as("symmetric masquerade picks another port")
            .isNotEmpty().allMatch(ports -> ports[0] != ports[1]);
        assertThat(miniupnpdRedirects(mapped)).as("forwarding rules while the node runs")
            .contains("dport " + NODE_PORT + " ");

        nodes.forEach(LabProcess::stop);

        assertThat(miniupnpdRedirects(mapped)).as("forwarding rules once the node stopped")
            .doesNotContain("dport " + NODE_PORT + " ");
    }

    @Test
    void shouldLinkOnlyItsOwnNamespacesAndRemoveThemAndThoseOfADeadJvmsLabWhenClosed() {
        // No process can have the largest pid: a NAT lab named after it belongs to a JVM that is gone.
        String orphan = NetnsLab.NAMESPACE_PREFIX + "nat" + Integer.MAX_VALUE + "-1-isp";
        NetnsLab.run("ip", "netns", "add", orphan);
        NatLab small = NatLab.create(1, List.of(RouterKind.PLAIN), 1);
        try {
            Lan lan = small.lans().getFirst();
            assertThat(NetnsLab.existingNamespaces()).doesNotContain(orphan);
            assertThat(interfaces(small, lan.hosts().getFirst())).containsExactlyInAnyOrder("lo", "eth0");
            assertThat(interfaces(small, lan.router())).containsExactlyInAnyOrder("lo", "wan0", "lan0", "h1");
            assertThat(small.exec(lan.hosts().getFirst(), "ip", "route", "show"))
                .contains("default via 10.0.1.1 dev eth0");
            assertThat(small.exec(lan.router(), "ip", "route", "show")).as("a router routes only its two segments")
                .doesNotContain("default");
            assertThat(small.exec(lan.router(), "sysctl", "-n", "net.netfilter.nf_conntrack_tcp_timeout_established"))
                .as("seconds a router keeps an idle connection, as home routers do, not Linux's five days")
                .isEqualToIgnoringWhitespace("" + NatLab.ROUTER_TCP_IDLE_SECONDS);
        } finally {
            small.close();
        }
        assertThat(NetnsLab.existingNamespaces()).noneMatch(namespace -> namespace.startsWith(small.name()));
    }

    private static List<String> interfaces(NatLab in, Host host) {
        return in.exec(host, "ip", "-o", "link", "show").lines()
            .map(line -> line.split(": ")[1].split("@")[0])
            .toList();
    }

    /** Whether a TCP connection from {@code from} to {@code address:port} is accepted within two seconds. */
    private static boolean dial(Host from, String address, int port) {
        try {
            lab.exec(from, "timeout", "2", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port);
            return true;
        } catch (IllegalStateException refusedOrTimedOut) {
            return false;
        }
    }

    /** The DNAT rules miniupnpd keeps on the LAN's router. */
    private static String miniupnpdRedirects(Lan lan) {
        return lab.exec(lan.router(), "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd");
    }

    /**
     * For each TCP connection the router tracks from its LAN to {@code port} on the public segment: the LAN host's
     * source port and the port the router translated it to.
     */
    private static List<int[]> translatedPorts(Lan lan, int port) {
        List<int[]> ports = new ArrayList<>();
        for (String line : lab.exec(lan.router(), "cat", "/proc/net/nf_conntrack").lines().toList()) {
            Matcher entry = CONNTRACK_TCP.matcher(line);
            if (line.contains(" tcp ") && entry.find() && entry.group(1).startsWith("10.0.")
                && Integer.parseInt(entry.group(4)) == port) {
                ports.add(new int[] {Integer.parseInt(entry.group(3)), Integer.parseInt(entry.group(8))});
            }
        }
        return ports;
    }

    private static LabProcess startProbe(Host host, MappingMethod method, int port) {
        return lab.start(host, "probe-" + method + "-" + port, NatLab.javaCommand(PortMapperProbe.class.getName(),
            method.name(), "" + SHORT_LEASE_SECONDS, "" + port));
    }

    private static LabProcess startNode(Host host, String label, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", "--host", "0.0.0.0", "--port", "" + NODE_PORT,
            "--no-discovery"));
        command.addAll(List.of(arguments));
        return lab.startButter(host, label, command.toArray(String[]::new));
    }

    private static void awaitOrFail(BooleanSupplier condition, String what, List<LabProcess> processes) {
        LabSteps.awaitOrFail(condition, what, processes, STEP_BOUND, Duration.ofMillis(20));
    }
}
