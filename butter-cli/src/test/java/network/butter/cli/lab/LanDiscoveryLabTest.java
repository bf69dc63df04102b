package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import network.butter.cli.ButterCli;
import network.butter.cli.lab.NetnsLab.Host;
import network.butter.identity.PeerAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LAN discovery between real {@code butter node} processes, each in a network namespace of its own, all on one
 * bridge: multicast goes only through the lab's interfaces. One node starts first and keeps running; then each
 * run starts the other nodes at once as newcomers and waits until every node of the run has discovered every
 * other, and stops the newcomers. The figure is the newcomers' time from listening to their first peer (their
 * {@code known peer ... after N ms} line); the time from launching the process (JVM start, key and certificate
 * generation included) is printed too.
 */
class LanDiscoveryLabTest {

    private static final int NODES = 3;
    private static final int RUNS = 10;
    private static final int NODE_PORT = 7000;
    /** The design's target for a newcomer's first peer, at the 99th percentile. */
    private static final long TARGET_P99_MS = 1_000;
    private static final Duration STEP_BOUND = Duration.ofSeconds(20);
    private static final Pattern DISCOVERED = Pattern.compile("known peer (\\S+) after (\\d+) ms \\(.*\\)");

    private static NetnsLab lab;

    @BeforeAll
    static void buildTheLab() {
        Optional<String> unavailable = NetnsLab.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
        lab = NetnsLab.create(NODES);
    }

    @AfterAll
    static void removeTheLab() {
        if (lab == null) {
            return;
        }
        lab.close();
        assertThat(NetnsLab.leftoversOfThisJvm()).as("namespaces left after the lab closed").isEmpty();
    }

    @Test
    void shouldHaveEveryNodeDiscoverEveryOtherAndNewcomersTheirFirstPeerWithinASecond() {
        List<Long> listeningToFirstPeerMs = new ArrayList<>();
        List<Long> launchToFirstPeerMs = new ArrayList<>();
        LabProcess first = startNode(lab.hosts().getFirst(), 0);
        try {
            awaitOrFail(() -> address(first).isPresent(), "the first node starts", List.of(first));
            for (int run = 1; run <= RUNS; run++) {
                List<LabProcess> newcomers = new ArrayList<>();
                try {
                    for (Host host : lab.hosts().subList(1, NODES)) {
                        newcomers.add(startNode(host, run));
                    }
                    List<LabProcess> nodes = new ArrayList<>(newcomers);
                    nodes.addFirst(first);
                    awaitOrFail(() -> everyNodeDiscoveredEveryOther(nodes),
                        "run " + run + ": every node discovers every other", nodes);
                    for (LabProcess newcomer : newcomers) {
                        LabProcess.Line firstPeer = newcomer.firstLineStartingWith("known peer ").orElseThrow();
                        listeningToFirstPeerMs.add(afterMs(firstPeer));
                        launchToFirstPeerMs.add(TimeUnit.NANOSECONDS.toMillis(firstPeer.atNanos()
                            - newcomer.launchedNanos()));
                    }
                } finally {
                    newcomers.forEach(LabProcess::stop);
                }
            }
        } finally {
            first.stop();
        }
        long p99 = percentile(listeningToFirstPeerMs, 99);
        System.out.printf("LAN discovery lab: %d runs, each %d newcomers joining a running node, every "
                + "butter node process in its own network namespace on one bridge; every node discovered every "
                + "other in every run. Newcomer, listening to first peer (n=%d): %s. Newcomer, process launch to "
                + "first peer, JVM start included (n=%d): %s.%n",
            RUNS, NODES - 1, listeningToFirstPeerMs.size(), summary(listeningToFirstPeerMs),
            launchToFirstPeerMs.size(), summary(launchToFirstPeerMs));
        assertThat(p99).as("p99 of a newcomer's time from listening to first peer, ms; all: %s",
            listeningToFirstPeerMs).isLessThanOrEqualTo(TARGET_P99_MS);
    }

    @Test
    void shouldLetTwoNodesOfOneHostFindEachOtherThroughTheSystemsDefaultInterface() {
        Host host = lab.hosts().getFirst();
        List<LabProcess> nodes = new ArrayList<>();
        try {
            // Listening on every address and naming no interface: discovery takes the one the group is routed
            // through, and both nodes share the group's UDP port.
            for (int port : List.of(NODE_PORT + 1, NODE_PORT + 2)) {
                nodes.add(startButter(host, "shared-" + port, "node", "--host", "0.0.0.0", "--port", "" + port,
                    "--advertise-host", host.address()));
            }
            awaitOrFail(() -> everyNodeDiscoveredEveryOther(nodes), "two nodes of one host find each other", nodes);

            for (LabProcess node : nodes) {
                assertThat(discovered(node)).as("what %s discovered", node.label())
                    .singleElement().isNotEqualTo(address(node).orElseThrow());
            }
        } finally {
            nodes.forEach(LabProcess::stop);
        }
    }

    private static LabProcess startNode(Host host, int run) {
        return startButter(host, "run" + run + "-" + host.address(), "node", "--host", host.address(),
            "--port", "" + NODE_PORT, "--discovery");
    }

    private static LabProcess startButter(Host host, String label, String... arguments) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test's own class path holds butter-cli and every dependency: no packaged jar needed. The
        // command's own logback.xml is chosen over the tests' logback-test.xml, so logs go to stderr as shipped.
        // The JIT and GC options only make the JVMs start with less CPU, for small CI machines.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
            ButterCli.class.getName()));
        command.addAll(List.of(arguments));
        return lab.start(host, label, command);
    }

    private static Optional<PeerAddress> address(LabProcess node) {
        return node.firstLineStartingWith("address: ")
            .map(line -> PeerAddress.parse(line.text().substring("address: ".length())));
    }

    private static Set<PeerAddress> discovered(LabProcess node) {
        return node.lines().stream()
            .map(line -> DISCOVERED.matcher(line.text()))
            .filter(Matcher::matches)
            .map(match -> PeerAddress.parse(match.group(1)))
            .collect(Collectors.toSet());
    }

    /** Whether each node has discovered every other node of the list (the first node also knows earlier runs'). */
    private static boolean everyNodeDiscoveredEveryOther(List<LabProcess> nodes) {
        List<Optional<PeerAddress>> addresses = nodes.stream().map(LanDiscoveryLabTest::address).toList();
        if (addresses.stream().anyMatch(Optional::isEmpty)) {
            return false;
        }
        for (int i = 0; i < nodes.size(); i++) {
            Set<PeerAddress> others = new HashSet<>();
            for (int j = 0; j < nodes.size(); j++) {
                if (j != i) {
                    others.add(addresses.get(j).orElseThrow());
                }
            }
            if (!discovered(nodes.get(i)).containsAll(others)) {
                return false;
            }
        }
        return true;
    }

    private static long afterMs(LabProcess.Line line) {
        Matcher match = DISCOVERED.matcher(line.text());
        assertThat(match.matches()).as("a discovery line: %s", line.text()).isTrue();
        return Long.parseLong(match.group(2));
    }

    /** Nearest-rank percentile: with 20 samples the 99th is the largest. */
    private static long percentile(List<Long> samples, int percent) {
        List<Long> sorted = samples.stream().sorted().toList();
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String summary(List<Long> samples) {
        return "p50 " + percentile(samples, 50) + " ms, p99 " + percentile(samples, 99) + " ms, max "
            + samples.stream().mapToLong(Long::longValue).max().orElseThrow() + " ms";
    }

    private static void awaitOrFail(BooleanSupplier condition, String what, List<LabProcess> processes) {
        LabSteps.awaitOrFail(condition, what, processes, STEP_BOUND, Duration.ofMillis(20));
    }
}
