package network.butter.cli.lab;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import network.butter.cli.lab.NatLab.Lan;
import network.butter.cli.lab.NatLab.RouterKind;
import network.butter.cli.lab.NetnsLab.Host;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The NAT-pair experiment of {@code scripts/nat-lab-experiments.sh}: not part of {@code ./build test} (it runs only
 * with {@code -Dbutter.natLab.runs=N}). Each run builds a fresh NAT lab with two ambassadors and two plain nodes on
 * the public segment and one {@code butter node} in each of six home LANs (two behind miniupnpd, two behind plain
 * masquerade, two behind symmetric NAT), all started at once, and watches, for every pair of nodes of the kinds
 * PUBLIC, UPNP, PLAIN, SYMMETRIC (never an ambassador), when one first knows the other and by which address:
 * through a relay, at a router's port mapping, or directly (a public node's own address, or a router's address
 * without port mapping: a connection the node behind it opened, or a punched hole), and whether either node's
 * {@code path to <id>: punched} line says hole punching upgraded their connection during the run (the run goes on
 * for {@link #PUNCH_GRACE} after every pair knows each other, so punches under way can finish). Writes a Markdown
 * table to
 * {@code -Dbutter.natLab.out} (default {@code target/nat-lab-experiments.md}) after every run.
 */
class WiderLabExperiment {

    private static final int NODE_PORT = 7000;
    /** A pair that connects later than this after the later of the two launches counts as failed. */
    private static final long SUCCESS_BOUND_MS = 60_000;
    /**
     * How long a run waits for every pair: longer than the success bound, so that on a loaded machine, where JVMs
     * take most of a minute to start, the time from both nodes being up is still measured
     * ({@code -Dbutter.natLab.boundSeconds}, default 90).
     */
    private static final Duration RUN_BOUND = Duration.ofSeconds(Integer.getInteger("butter.natLab.boundSeconds", 90));
    private static final Duration PUNCH_GRACE = Duration.ofSeconds(10);
    private static final List<RouterKind> LANS = List.of(RouterKind.UPNP, RouterKind.UPNP, RouterKind.PLAIN,
        RouterKind.PLAIN, RouterKind.SYMMETRIC, RouterKind.SYMMETRIC);

    /** Where a node sits. */
    private enum Kind { PUBLIC, UPNP, PLAIN, SYMMETRIC }

    private record Node(Kind kind, String routerAddress, LabProcess process) {
    }

    /** Outcomes of one pair of kinds over the runs: how each pair of nodes connected, and when, in milliseconds. */
    private static final class Outcomes {
        private final Map<String, Integer> counts = new TreeMap<>();
        private final List<Long> timesMs = new ArrayList<>();
        private final List<Long> fromUpMs = new ArrayList<>();
        private int runs;
        private int punched;

        void add(String outcome, long timeMs, long upToConnectedMs, boolean wasPunched) {
            runs++;
            if (!outcome.equals("failed")) {
                fromUpMs.add(upToConnectedMs);
                // Whether the pair's connection was punched does not depend on how long its JVMs took to start.
                punched += wasPunched ? 1 : 0;
            }
            if (timeMs > SUCCESS_BOUND_MS) {
                outcome = "failed";
            }
            counts.merge(outcome, 1, Integer::sum);
            if (!outcome.equals("failed")) {
                timesMs.add(timeMs);
            }
        }

        String row(String pair) {
            long[] sorted = timesMs.stream().mapToLong(Long::longValue).sorted().toArray();
            String p50 = sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", percentile(sorted, 50) / 1000.0);
            String p99 = sorted.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", percentile(sorted, 99) / 1000.0);
            long[] up = fromUpMs.stream().mapToLong(Long::longValue).sorted().toArray();
            String upP50 = up.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", percentile(up, 50) / 1000.0);
            String upP99 = up.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f", percentile(up, 99) / 1000.0);
            return "| " + pair + " | " + runs + " | " + counts.getOrDefault("mapped", 0) + " | "
                + counts.getOrDefault("direct", 0) + " | " + counts.getOrDefault("relayed", 0) + " | " + punched + " | "
                + counts.getOrDefault("failed", 0) + " | "
                + String.format(Locale.ROOT, "%.0f %%", 100.0 * timesMs.size() / runs) + " | " + p50 + " | " + p99 + " | " + upP50 + " | " + upP99 + " |";
        }

        private static long percentile(long[] sorted, int percent) {
            int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    @Test
    @Timeout(7200)
    void runTheNatPairExperiment() throws IOException {
        int runs = Integer.getInteger("butter.natLab.runs", 0);
        assumeTrue(runs > 0, "the NAT-pair experiment runs only with -Dbutter.natLab.runs=N");
        Optional<String> unavailable = NatLab.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
        Path out = Path.of(System.getProperty("butter.natLab.out", "target/nat-lab-experiments.md"));
        Map<String, Outcomes> table = new TreeMap<>();
        for (int run = 1; run <= runs; run++) {
            try (NatLab lab = NatLab.create(4, LANS, 1)) {
                runOnce(lab, table);
            }
            write(out, table, run);
            System.out.println("run " + run + " of " + runs + " done: " + out.toAbsolutePath());
        }
    }

    private static void runOnce(NatLab lab, Map<String, Outcomes> table) {
        List<Host> publicHosts = lab.publicHosts();
        List<String> bootstrap = new ArrayList<>();
        List<LabProcess> ambassadors = new ArrayList<>();
        for (Host host : publicHosts.subList(0, 2)) {
            bootstrap.addAll(List.of("--bootstrap", host.address() + ":" + NODE_PORT));
            ambassadors.add(startNode(lab, host, "ambassador-" + host.address(), "--ambassador"));
        }
        String[] joining = bootstrap.toArray(String[]::new);
        List<Node> nodes = new ArrayList<>();
        for (Host host : publicHosts.subList(2, 4)) {
            nodes.add(new Node(Kind.PUBLIC, host.address(), startNode(lab, host, "public-" + host.address(), joining)));
        }
        for (Lan lan : lab.lans()) {
            Host host = lan.hosts().getFirst();
            nodes.add(new Node(Kind.valueOf(lan.kind().name()), lan.publicAddress(),
                startNode(lab, host, "lan" + lan.index() + "-" + lan.kind(), joining)));
        }
        try {
            await().atMost(RUN_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> allKnown(nodes));
        } catch (ConditionTimeoutException e) {
            System.out.println("some pairs never connected within " + RUN_BOUND);
        }
        try {
            await().atMost(PUNCH_GRACE).pollInterval(Duration.ofMillis(200)).until(() -> relayedPairsPunched(nodes));
        } catch (ConditionTimeoutException e) {
            System.out.println("some relayed pairs were not punched within " + PUNCH_GRACE + " more");
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                Node a = nodes.get(i);
                Node b = nodes.get(j);
                Kind[] kinds = {a.kind(), b.kind()};
                Arrays.sort(kinds);
                String pair = kinds[0] + " × " + kinds[1];
                record(table.computeIfAbsent(pair, key -> new Outcomes()), a, b);
            }
        }
        ambassadors.forEach(LabProcess::stop);
        nodes.forEach(node -> node.process().stop());
    }

    /** The earlier of "a knows b" and "b knows a", counted from the later of their launches. */
    private static void record(Outcomes outcomes, Node a, Node b) {
        Optional<LabProcess.Line> aKnowsB = knownLine(a, b);
        Optional<LabProcess.Line> bKnowsA = knownLine(b, a);
        long start = Math.max(a.process().launchedNanos(), b.process().launchedNanos());
        LabProcess.Line first = null;
        Node target = null;
        if (aKnowsB.isPresent() && (bKnowsA.isEmpty() || aKnowsB.get().atNanos() <= bKnowsA.get().atNanos())) {
            first = aKnowsB.get();
            target = b;
        } else if (bKnowsA.isPresent()) {
            first = bKnowsA.get();
            target = a;
        }
        if (first == null) {
            outcomes.add("failed", 0, 0, false);
            return;
        }
        String address = first.text().split(" ")[2];
        String outcome = address.contains("/via/") ? "relayed"
            : target.kind() == Kind.UPNP && address.contains("@" + target.routerAddress() + ":") ? "mapped"
            : "direct";
        long up = Math.max(a.process().firstLineStartingWith("peer id: ").orElseThrow().atNanos(),
            b.process().firstLineStartingWith("peer id: ").orElseThrow().atNanos());
        outcomes.add(outcome, Math.max(0, (first.atNanos() - start) / 1_000_000),
            Math.max(0, (first.atNanos() - up) / 1_000_000), punched(a, b) || punched(b, a));
    }

    /** Whether {@code observer} printed that frames to {@code peer} went through a punched connection. */
    private static boolean punched(Node observer, Node peer) {
        return observer.process().firstLineStartingWith("path to " + id(peer.process()) + ": punched").isPresent();
    }

    private static Optional<LabProcess.Line> knownLine(Node observer, Node peer) {
        return observer.process().firstLineStartingWith("peer id: ").isEmpty()
            || peer.process().firstLineStartingWith("peer id: ").isEmpty() ? Optional.empty()
            : observer.process().firstLineStartingWith("known peer " + id(peer.process()) + "@");
    }

    /** Whether every pair of which a node printed a relayed path also has a punched one. */
    private static boolean relayedPairsPunched(List<Node> nodes) {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a != b && knownLine(a, b).isPresent()
                    && a.process().firstLineStartingWith("path to " + id(b.process()) + ": relayed").isPresent()
                    && !punched(a, b) && !punched(b, a)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean allKnown(List<Node> nodes) {
        for (Node a : nodes) {
            for (Node b : nodes) {
                if (a != b && knownLine(a, b).isEmpty() && knownLine(b, a).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String id(LabProcess node) {
        return node.firstLineStartingWith("peer id: ").orElseThrow().text().substring("peer id: ".length());
    }

    private static LabProcess startNode(NatLab lab, Host host, String label, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", "--host", "0.0.0.0", "--port", "" + NODE_PORT,
            "--no-discovery", "--no-http"));
        command.addAll(List.of(arguments));
        return lab.startButter(host, label, command.toArray(String[]::new));
    }

    private static void write(Path out, Map<String, Outcomes> table, int runs) throws IOException {
        StringBuilder text = new StringBuilder("| NAT pair | connections | mapped | direct | relayed | punched | failed "
            + "| success | first connection p50 (s) | p99 (s) | from both up p50 (s) | p99 (s) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        table.forEach((pair, outcomes) -> text.append(outcomes.row(pair)).append('\n'));
        text.append("\n").append(runs).append(" runs; a row counts each pair of nodes of those kinds once per run (kinds with two nodes each: four pairs a "
            + "run, two nodes of one kind: one); punched: pairs that connected within the run's "
            + "bound and whose connection hole punching upgraded during the run (counted within the other columns too, "
            + "and even when the pair counts as failed for its JVMs' slow start); failed: not connected within 60 s of the later launch; "
            + "from both up: from the later of the two nodes' 'peer id' lines (JVM started, node listening) to the "
            + "connection, over every pair that connected within the run's bound (" + RUN_BOUND.toSeconds() + " s).\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text);
    }
}
