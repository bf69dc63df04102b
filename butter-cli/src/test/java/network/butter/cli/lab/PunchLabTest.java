package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.butter.cli.lab.NatLab.Lan;
import network.butter.cli.lab.NatLab.RouterKind;
import network.butter.cli.lab.NetnsLab.Host;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hole punching with real {@code butter node} processes in the NAT lab: two nodes, each behind its own router with
 * endpoint-independent masquerade and no port mapping, first reach each other through a relay and then punch a direct
 * connection (TCP simultaneous open from their listening ports, TLS bound to the peer's id as on any connection); a
 * node behind a symmetric router (a fresh public port per connection) cannot be punched to and stays relayed.
 */
class PunchLabTest {

    private static final int NODE_PORT = 7000;
    private static final int API_PORT = 7080;
    /** JVM starts: on a loaded 2-core CI machine several starting at once take most of a minute. */
    private static final Duration START_BOUND = Duration.ofSeconds(120);
    /** Knowing each other through the relays, then a punch (tried once the pair talks over a relay). */
    private static final Duration STEP_BOUND = Duration.ofSeconds(60);

    private static NatLab lab;

    @BeforeAll
    static void buildTheLab() {
        lab = NatLab.createOrSkip(2, List.of(RouterKind.PLAIN, RouterKind.PLAIN, RouterKind.SYMMETRIC), 1);
    }

    @AfterAll
    static void removeTheLab() {
        NatLab.closeAndCheck(lab);
    }

    @Test
    @Timeout(400)
    void shouldPunchADirectConnectionBetweenTwoPlainNatsAndStayRelayedToASymmetricOne() {
        List<LabProcess> all = new ArrayList<>();
        List<String> bootstrap = new ArrayList<>();
        for (Host host : lab.publicHosts()) {
            bootstrap.add("--bootstrap");
            bootstrap.add(host.address() + ":" + NODE_PORT);
        }
        Host first = lab.publicHosts().getFirst();
        all.add(startNode(first, "ambassador-" + first.address(), "--ambassador"));
        Host second = lab.publicHosts().get(1);
        all.add(startNode(second, "ambassador-" + second.address(), "--ambassador", "--bootstrap",
            first.address() + ":" + NODE_PORT));
        LabSteps.awaitOrFail(() -> all.stream().allMatch(node -> node.firstLineStartingWith("known peer ").isPresent()),
            "the ambassadors start and know each other", all, START_BOUND, Duration.ofMillis(50));
        List<LabProcess> lanNodes = new ArrayList<>();
        for (Lan lan : lab.lans()) {
            Host host = lan.hosts().getFirst();
            lanNodes.add(startNode(host, "lan" + lan.index() + "-" + lan.kind() + "-" + host.address(),
                bootstrap.toArray(String[]::new)));
        }
        all.addAll(lanNodes);
        LabSteps.awaitOrFail(() -> lanNodes.stream().allMatch(node -> node.firstLineStartingWith("peer id: ").isPresent()),
            "every node starts", all, START_BOUND, Duration.ofMillis(50));
        LabProcess plain1 = lanNodes.get(0);
        LabProcess plain2 = lanNodes.get(1);
        LabProcess symmetric = lanNodes.get(2);

        LabSteps.awaitOrFail(() -> lanNodes.stream().allMatch(node -> lanNodes.stream()
                .allMatch(other -> other == node || LabSteps.knows(node, LabSteps.id(other)))),
            "the three NATed nodes know each other", all, STEP_BOUND, Duration.ofMillis(50));
        LabSteps.awaitOrFail(() -> path(plain1, plain2).equals("punched") || path(plain2, plain1).equals("punched"),
            "the two nodes behind plain masquerade punch a direct connection", all, STEP_BOUND, Duration.ofMillis(50));

        // The punched connection carries the pair's requests: each still knows the other a poll round later.
        assertThat(LabSteps.knows(plain1, LabSteps.id(plain2)) && LabSteps.knows(plain2, LabSteps.id(plain1))).isTrue();
        for (LabProcess plain : List.of(plain1, plain2)) {
            assertThat(path(plain, symmetric)).as("%s to the node behind a symmetric NAT: relayed, never punched\n%s",
                plain.label(), LabSteps.describe(all)).isIn("relayed", "none");
            assertThat(plain.lines()).as("%s never punched to the symmetric node", plain.label())
                .noneMatch(line -> line.text().equals("path to " + LabSteps.id(symmetric) + ": punched"));
        }
    }

    /** How {@code observer} says frames to {@code peer} travel now (its latest {@code path to} line), or "none". */
    private static String path(LabProcess observer, LabProcess peer) {
        String prefix = "path to " + LabSteps.id(peer) + ": ";
        Optional<String> latest = observer.lines().reversed().stream().map(LabProcess.Line::text)
            .filter(text -> text.startsWith(prefix)).findFirst();
        return latest.map(text -> text.substring(prefix.length())).orElse("none");
    }

    private static LabProcess startNode(Host host, String label, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", "--host", "0.0.0.0", "--port", "" + NODE_PORT,
            "--no-discovery", "--http-port", "" + API_PORT));
        command.addAll(List.of(arguments));
        return lab.startButter(host, label, command.toArray(String[]::new));
    }
}
