package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.PeerUnreachableException;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.sim.SimulationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimClusterTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private SimCluster<String> cluster() {
        return new SimCluster<>(sims.create(), node -> {
            node.handle("test/echo", request -> Reply.of(request.payload()));
            return "installed";
        });
    }

    private static CompletableFuture<Reply> echo(ClusterNode<String> from, ClusterNode<String> to) {
        return from.node().request(to.address(), "test/echo", "hi".getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(2));
    }

    @Test
    void shouldSpawnNodesWithTheApplicationInstalled() {
        SimCluster<String> cluster = cluster();

        ClusterNode<String> a = cluster.spawn();
        ClusterNode<String> b = cluster.spawn();

        assertThat(a.app()).isEqualTo("installed");
        assertThat(cluster.alive()).containsExactly(a, b);
        assertThat(cluster.await(echo(a, b), LIMIT).text()).isEqualTo("hi");
        assertThat(a.stats().requestsSentByRoute()).containsEntry("test/echo", 1L);
    }

    @Test
    void shouldKeepTheCountersOfAKilledNode() {
        SimCluster<String> cluster = cluster();
        ClusterNode<String> a = cluster.spawn();
        ClusterNode<String> b = cluster.spawn();
        cluster.await(echo(a, b), LIMIT);

        cluster.kill(a);
        cluster.kill(a);

        assertThat(a.alive()).isFalse();
        assertThat(cluster.alive()).containsExactly(b);
        assertThat(a.stats().requestsSent()).isEqualTo(1);
        assertThatThrownBy(() -> cluster.await(echo(b, a), LIMIT))
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(PeerUnreachableException.class);
    }

    @Test
    void shouldAdvanceVirtualTimeOnly() {
        SimCluster<String> cluster = cluster();

        cluster.advance(Duration.ofHours(1));

        assertThat(cluster.nowMs()).isEqualTo(3_600_000);
    }

    @Test
    void shouldDropMessagesAcrossAPartitionUntilHealed() {
        SimCluster<String> cluster = cluster();
        ClusterNode<String> a = cluster.spawn();
        ClusterNode<String> b = cluster.spawn();
        NetworkFaults<String> faults = cluster.faults().orElseThrow();

        faults.partition(List.of(List.of(a), List.of(b)));
        CompletableFuture<Reply> blocked = echo(a, b);
        assertThatThrownBy(() -> cluster.await(blocked, LIMIT)).hasCauseInstanceOf(RequestTimeoutException.class);
        faults.heal();

        assertThat(cluster.await(echo(a, b), LIMIT).text()).isEqualTo("hi");
    }

    @Test
    void shouldLoseMessagesAtTheConfiguredRate() {
        SimCluster<String> cluster = cluster();
        ClusterNode<String> a = cluster.spawn();
        ClusterNode<String> b = cluster.spawn();
        cluster.await(echo(a, b), LIMIT);

        cluster.faults().orElseThrow().lossProbability(1);

        assertThatThrownBy(() -> cluster.await(echo(a, b), LIMIT)).hasCauseInstanceOf(RequestTimeoutException.class);
        assertThat(cluster.simulation().networkStats().lost()).isPositive();
    }

    @Test
    void shouldFingerprintTheRun() {
        SimCluster<String> cluster = cluster();
        long before = cluster.traceHash().orElseThrow();

        cluster.spawn();

        assertThat(cluster.traceHash().orElseThrow()).isNotEqualTo(before);
        assertThat(cluster.mode()).isEqualTo(Mode.SIM);
    }

    @Test
    void shouldStopEveryNodeOnClose() {
        SimCluster<String> cluster = cluster();
        ClusterNode<String> a = cluster.spawn();

        cluster.close();

        assertThat(a.alive()).isFalse();
        assertThat(cluster.alive()).isEmpty();
    }
}
