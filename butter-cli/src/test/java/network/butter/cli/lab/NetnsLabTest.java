package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Optional;
import network.butter.cli.lab.NetnsLab.Host;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab fixture itself: what a host looks like from inside, and that closing removes everything. */
class NetnsLabTest {

    @BeforeAll
    static void needsTheLab() {
        Optional<String> unavailable = NetnsLab.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElseThrow());
    }

    @Test
    void shouldGiveEachHostOnlyItsOwnLoopbackAndAMulticastInterfaceOnTheLan() {
        try (NetnsLab lab = NetnsLab.create(2)) {
            Host second = lab.hosts().get(1);

            assertThat(second.address()).isEqualTo("10.77.0.12");
            assertThat(lab.exec(second, "ip", "-4", "-o", "addr", "show", "dev", "eth0"))
                .contains("inet 10.77.0.12/24");
            assertThat(lab.exec(second, "ip", "-o", "link", "show", "eth0")).contains("MULTICAST", "UP");
            assertThat(lab.exec(second, "ip", "route", "show")).contains("224.0.0.0/4 dev eth0");
            assertThat(lab.exec(second, "ip", "-o", "link", "show").lines()
                .map(line -> line.split(": ")[1].split("@")[0]))
                .as("the host namespace sees none of this machine's interfaces")
                .containsExactlyInAnyOrder("lo", "eth0");
        }
    }

    @Test
    void shouldKillItsProcessesAndDeleteItsNamespacesWhenClosed() {
        NetnsLab lab = NetnsLab.create(2);
        LabProcess sleeper = lab.start(lab.hosts().getFirst(), "sleeper", List.of("sleep", "300"));
        assertThat(NetnsLab.existingNamespaces()).filteredOn(name -> name.startsWith(lab.name())).hasSize(3);
        assertThat(sleeper.alive()).isTrue();

        lab.close();
        lab.close();

        assertThat(sleeper.alive()).isFalse();
        assertThat(NetnsLab.leftoversOfThisJvm()).isEmpty();
    }

    @Test
    void shouldRemoveTheNamespacesOfALabWhoseJvmIsGoneButNotOfALiveOne() {
        // No process can have the largest pid: a lab named after it belongs to a JVM that is gone.
        String orphan = NetnsLab.NAMESPACE_PREFIX + "lab" + Integer.MAX_VALUE + "-1-br";
        String live = NetnsLab.NAMESPACE_PREFIX + "lab" + ProcessHandle.current().pid() + "-999999-br";
        try {
            NetnsLab.run("ip", "netns", "add", orphan);
            NetnsLab.run("ip", "netns", "add", live);

            NetnsLab.create(1).close();

            assertThat(NetnsLab.existingNamespaces()).doesNotContain(orphan).contains(live);
        } finally {
            for (String namespace : List.of(orphan, live)) {
                if (NetnsLab.existingNamespaces().contains(namespace)) {
                    NetnsLab.run("ip", "netns", "del", namespace);
                }
            }
        }
    }
}
