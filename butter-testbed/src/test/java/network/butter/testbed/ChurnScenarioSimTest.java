package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import network.butter.api.Node;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.ItemKey;
import network.butter.testbed.protocol.LocalOnlyStorage;
import network.butter.sim.NatPlan;
import network.butter.sim.SimulationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChurnScenarioSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    /** A small churn run: 30 nodes, 10 items, 10 s of churn at 5 % per second. */
    private ChurnConfig.Builder small() {
        return ChurnConfig.builder()
            .mode(Mode.SIM)
            .nodes(30)
            .items(10)
            .itemBytes(256)
            .chanceToDie(0.05)
            .grace(Duration.ofSeconds(2))
            .form(Duration.ofSeconds(2))
            .churn(Duration.ofSeconds(10))
            .settle(Duration.ofSeconds(3))
            .bootstrapPeers(4)
            .seed(sims.seed());
    }

    private static ChurnResult run(ChurnConfig config) {
        return Testbed.runChurn(config, phase -> { });
    }

    private static String withoutWallTime(String summary) {
        return summary.replaceAll(" wall=\\S+", "");
    }

    @Test
    void shouldGiveTheSameSummaryAndTimeSeriesTwiceWithOneSeed() {
        ChurnConfig config = small().build();

        ChurnResult first = run(config);
        ChurnResult second = run(config);

        assertThat(withoutWallTime(second.summaryLine())).isEqualTo(withoutWallTime(first.summaryLine()));
        assertThat(TestbedReport.csv(second.samples())).isEqualTo(TestbedReport.csv(first.samples()));
        assertThat(second.traceHash()).isEqualTo(first.traceHash()).isPresent();
    }

    @Test
    void shouldRunDifferentlyWithAnotherSeed() {
        ChurnResult one = run(small().build());
        ChurnResult other = run(small().seed(sims.seed() + 1).build());

        assertThat(other.traceHash()).isNotEqualTo(one.traceHash());
        assertThat(TestbedReport.csv(other.samples())).isNotEqualTo(TestbedReport.csv(one.samples()));
    }

    @Test
    void shouldBootstrapNodesBehindNatsFromPublicNodesAndCountConnectionsByPath() {
        ChurnResult result = run(small().chanceToDie(0).nat(new NatPlan(0.6, 0.5, 0.25, 2)).build());

        Sample formed = result.samples().getFirst();
        assertThat(formed.phase()).isEqualTo("spawn");
        assertThat(formed.timeMs()).as("no join waits for a dial to a private address to time out").isLessThan(1_000);
        assertThat(result.paths().direct()).isPositive();
        assertThat(result.paths()).isEqualTo(result.samples().getLast().paths());
        assertThat(result.summaryLine()).contains(" behindNat=0.6 ", " direct=100.0% punched=0.0% relayed=0.0% ");
        Sample last = result.samples().getLast();
        assertThat(last.reachable()).as("without the wider layer only public nodes can be reached")
            .isPositive().isLessThan(last.alive());
    }

    @Test
    void shouldRetrieveEveryItemWithoutChurn() {
        ChurnResult result = run(small().chanceToDie(0).build());

        assertThat(result.deaths()).isZero();
        assertThat(result.retrieved()).isEqualTo(10);
        assertThat(result.summaryLine()).contains("retrieved=10/10 (100.0%)", "deaths=0", "mode=sim",
            "protocol=local-only", "seed=" + sims.seed());
        assertThat(result.retrievalRequests()).isPositive();
    }

    @Test
    void shouldRetrieveNothingOnceEveryHolderHasDied() {
        ChurnResult result = run(small().chanceToDie(1).grace(Duration.ZERO).build());

        assertThat(result.retrieved()).isZero();
        assertThat(result.summaryLine()).contains("retrieved=0/10 (0.0%)");
        Sample beforeChurn = result.samples().stream().filter(s -> s.phase().equals("store")).findFirst().orElseThrow();
        Sample last = result.samples().getLast();
        assertThat(beforeChurn.availability()).isEqualTo(1.0);
        assertThat(last.availability()).isZero();
        assertThat(last.alive()).isEqualTo(30 + 1);
        assertThat(result.deaths()).isEqualTo(30L * 10);
    }

    @Test
    void shouldFindEveryItemWhoseHolderSurvived() {
        ChurnResult result = run(small().build());

        Sample last = result.samples().getLast();
        long available = Math.round(last.availability() * result.itemsStored());
        assertThat(result.deaths()).isPositive();
        assertThat(available).as("items with a live holder").isLessThan(10);
        assertThat(result.retrieved()).isEqualTo((int) available);
    }

    @Test
    void shouldSampleOnceASecondThroughEveryPhase() {
        ChurnResult result = run(small().build());

        assertThat(result.samples()).extracting(Sample::phase).containsSubsequence("spawn", "form", "store", "churn",
            "settle");
        assertThat(result.samples()).filteredOn(s -> s.phase().equals("churn")).hasSize(10);
        assertThat(result.samples()).filteredOn(s -> s.phase().equals("churn"))
            .allSatisfy(s -> assertThat(s.alive()).isEqualTo(30));
        Sample settled = result.samples().get(result.samples().size() - 2);
        assertThat(settled.phase()).isEqualTo("settle");
        long joinedMs = result.samples().getFirst().timeMs();
        assertThat(joinedMs).as("virtual time the nodes took to greet their peers").isBetween(1L, 1000L);
        assertThat(settled.timeMs()).isEqualTo(joinedMs + (2 + 10 + 3) * 1000L);
        assertThat(settled.requestsByRoute()).containsOnlyKeys("testbed/hello");
        Sample retrieved = result.samples().getLast();
        assertThat(retrieved.phase()).isEqualTo("retrieve");
        assertThat(retrieved.alive()).as("the nodes and the fresh one").isEqualTo(31);
        assertThat(retrieved.requestsByRoute()).containsKeys("testbed/hello", "testbed/get");
        assertThat(retrieved.requestsSent()).isEqualTo(result.requestsSent());
    }

    @Test
    void shouldRunThePartitionAndLossPhases() {
        ChurnResult calm = run(small().build());
        ChurnResult faulty = run(small().partitionGroups(2).lossProbability(0.5).build());

        assertThat(faulty.summaryLine()).contains("partition=2", "loss=0.5");
        assertThat(faulty.traceHash()).isNotEqualTo(calm.traceHash());
        assertThat(faulty.retrieved()).isLessThan(calm.retrieved());
    }

    @Test
    void shouldCountAReadReturningOtherBytesThanThosePutAsWrongNotAsRetrieved() {
        DataProtocol corrupting = withReads("corrupting", (peer, key) -> peer.retrieve(key).thenApply(found ->
            found.map(bytes -> {
                byte[] other = bytes.clone();
                other[0] ^= 1;
                return other;
            })));

        ChurnResult result = Testbed.runChurn(small().chanceToDie(0).build(), corrupting, phase -> { });

        assertThat(result.retrieved()).as(result.summaryLine()).isZero();
        assertThat(result.attack().wrongReads()).as(result.summaryLine()).isEqualTo(10);
        assertThat(result.failedReads()).isZero();
        assertThat(result.summaryLine()).contains("retrieved=0/10", " failed=0 wrong=10");
    }

    @Test
    void shouldLetOtherReadsGoOnWhileOneHangsSoThatTwoHangingReadsCostOneReadLimit() {
        AtomicInteger reads = new AtomicInteger();
        DataProtocol hangingFirstAndThirdRead = withReads("hanging", (peer, key) -> {
            int read = reads.incrementAndGet();
            return read == 1 || read == 3 ? new CompletableFuture<>() : peer.retrieve(key);
        });

        ChurnResult result = Testbed.runChurn(small().chanceToDie(0).readWindow(2).build(), hangingFirstAndThirdRead,
            phase -> { });

        assertThat(result.retrieved()).as(result.summaryLine()).isEqualTo(8);
        assertThat(result.failedReads()).as(result.summaryLine()).isEqualTo(2);
        long settled = result.samples().stream().filter(s -> s.phase().equals("settle")).mapToLong(Sample::timeMs)
            .max().orElseThrow();
        long readFor = result.samples().getLast().timeMs() - settled;
        assertThat(readFor).as("virtual time spent reading").isGreaterThanOrEqualTo(ChurnScenario.RETRIEVAL_LIMIT.toMillis())
            .isLessThan(2 * ChurnScenario.RETRIEVAL_LIMIT.toMillis());
    }

    @Test
    void shouldKillSilentlyOrByCrashAsTheDeathsOptionSays() {
        ChurnResult crash = run(small().build());
        ChurnResult silent = run(small().deaths(Deaths.SILENT).build());
        ChurnResult mixed = run(small().deaths(Deaths.MIXED).build());

        assertThat(crash.silentDeaths()).isZero();
        assertThat(crash.summaryLine()).doesNotContain("deathMode=");
        assertThat(silent.silentDeaths()).isEqualTo(silent.deaths()).isPositive();
        assertThat(silent.summaryLine()).contains("deathMode=silent silent=" + silent.deaths());
        assertThat(mixed.silentDeaths()).as("about half of %s deaths", mixed.deaths())
            .isBetween(1L, mixed.deaths() - 1);
        assertThat(silent.traceHash()).isNotEqualTo(crash.traceHash());
    }

    @Test
    void shouldCountAnswersAndBytesOfEveryRoute() {
        ChurnResult result = run(small().build());

        Sample last = result.samples().getLast();
        assertThat(last.trafficByRoute().get("testbed/get").replies()).as("answers to reads").isPositive();
        assertThat(last.trafficByProtocol().get("testbed").bytes()).isPositive();
        long routeMessages = last.trafficByRoute().values().stream().mapToLong(t -> t.messages()).sum();
        long routeBytes = last.trafficByRoute().values().stream().mapToLong(t -> t.bytes()).sum();
        assertThat(routeMessages).isEqualTo(result.messages());
        assertThat(routeBytes).isEqualTo(result.bytesSent()).isPositive();
        assertThat(result.summaryLine()).contains("bytes=" + result.bytesSent(), "msgs/node/s=", "bytes/node/s=");
    }

    /** The local-only protocol with its reads answered by {@code reads}, given the honest peer and the key. */
    private static DataProtocol withReads(String name,
                                          BiFunction<DataPeer, ItemKey, CompletableFuture<Optional<byte[]>>> reads) {
        LocalOnlyStorage honest = new LocalOnlyStorage();
        return new DataProtocol() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DataPeer install(Node node) {
                DataPeer peer = honest.install(node);
                return new DataPeer() {
                    @Override
                    public CompletableFuture<Void> join(List<PeerAddress> peers) {
                        return peer.join(peers);
                    }

                    @Override
                    public CompletableFuture<ItemKey> store(byte[] item) {
                        return peer.store(item);
                    }

                    @Override
                    public CompletableFuture<Optional<byte[]>> retrieve(ItemKey key) {
                        return reads.apply(peer, key);
                    }
                };
            }

            @Override
            public Set<PeerId> holders(ItemKey key) {
                return honest.holders(key);
            }
        };
    }
}
