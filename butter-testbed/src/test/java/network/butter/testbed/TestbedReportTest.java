package network.butter.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import network.butter.api.RouteTraffic;
import network.butter.sim.NatPlan;
import network.butter.testbed.attack.Adversary;
import network.butter.testbed.protocol.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestbedReportTest {

    private static final List<Sample> SAMPLES = List.of(
        new Sample(0, "spawn", 3, 0, Double.NaN, 0, 0, 0, Map.of(), PathCounts.NONE, 3),
        new Sample(1000, "churn", 3, 1, 0.5, 7, 6, 700, Map.of(
            "b/route", new RouteTraffic(4, 3, 200, 150), "a/route", new RouteTraffic(3, 3, 200, 150)), new PathCounts(5, 0, 1, 100), 2),
        new Sample(2500, "settle", 2, 1, 0.5, 9, 8, 900, Map.of(
            "b/route", new RouteTraffic(6, 5, 300, 250), "a/other", new RouteTraffic(3, 3, 200, 150)), new PathCounts(8, 2, 3, 900), 1));

    private static ChurnResult result() {
        return result(ChurnConfig.builder().nodes(3).items(2).build());
    }

    private static ChurnResult result(ChurnConfig config) {
        return new ChurnResult(config, "test", 2, 0, 1, 0, 1, 0, 9, 8, 900, 2, 0,
            1234, OptionalLong.of(0xabcL), SAMPLES,
            new AttackOutcome(Adversary.none(), 0, 0, NodeState.EMPTY, List.of(), Map.of()), new PathCounts(8, 2, 3, 900), Map.of(), "");
    }

    @Test
    void shouldWriteOneRowPerSampleWithMessagesAndBytesPerProtocolAndRequestsPerRoute() {
        assertThat(TestbedReport.csv(SAMPLES)).isEqualTo("""
            t_s,phase,alive,deaths,availability,requests_sent,replies_sent,bytes_sent,messages:a,bytes:a,messages:b,bytes:b,requests:a/other,requests:a/route,requests:b/route
            0.000,spawn,3,0,,0,0,0,0,0,0,0,0,0,0
            1.000,churn,3,1,0.5000,7,6,700,6,350,7,350,0,3,4
            2.500,settle,2,1,0.5000,9,8,900,6,350,11,550,3,0,6
            """);
    }

    @Test
    void shouldAddTheConnectionsByPathWhenNodesSitBehindNats() {
        assertThat(TestbedReport.csv(SAMPLES, List.of(), true).lines().toList()).containsExactly(
            "t_s,phase,alive,deaths,availability,requests_sent,replies_sent,bytes_sent,messages:a,bytes:a,messages:b,"
                + "bytes:b,requests:a/other,requests:a/route,requests:b/route,reachable,connections_direct,connections_punched,"
                + "connections_relayed,relayed_bytes",
            "0.000,spawn,3,0,,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0",
            "1.000,churn,3,1,0.5000,7,6,700,6,350,7,350,0,3,4,2,5,0,1,100",
            "2.500,settle,2,1,0.5000,9,8,900,6,350,11,550,3,0,6,1,8,2,3,900");
    }

    @Test
    void shouldSummariseTheNatPlanAndTheShareOfEachPath() {
        ChurnConfig config = ChurnConfig.builder().nodes(3).items(2).nat(new NatPlan(0.7, 0.5, 0.25, 2)).build();

        assertThat(result(config).summaryLine()).contains(" chanceToDie=0.02/s behindNat=0.7 symmetricNat=0.5 "
            + "portMapping=0.25 lanSize=2 reachable=1/2 connections=13 direct=61.5% punched=15.4% relayed=23.1% relayedBytes=900 "
            + "retrieved=1/2 ");
    }

    @Test
    void shouldDrawAPngNextToTheCsv(@TempDir Path out) throws IOException {
        TestbedReport.Outputs files = TestbedReport.write(result(), out.resolve("nested"));

        assertThat(files.csv()).hasFileName("churn-sim.csv").exists();
        assertThat(files.chart()).hasFileName("churn-sim.png");
        assertThat(Files.readAllBytes(files.chart())).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void shouldSummariseARunOnOneLine() {
        assertThat(result().summaryLine()).isEqualTo("SUMMARY testbed mode=sim protocol=test n=3 items=2 churn=30s "
            + "chanceToDie=0.02/s retrieved=1/2 (50.0%) messages=17 bytes=900 msgs/node/s=2.83 bytes/node/s=150 "
            + "retrievalRequests=2 churn:msgs/node/s=4.33 churn:bytes/node/s=233 churn:byProtocol=a:2.00/117,b:2.33/117 "
            + "deaths=1 wall=1.2s seed=1 trace=0000000000000abc");
    }

    @Test
    void shouldNameTheReadWindowOnlyWhenARunChoseAnotherThanTheDefault() {
        ChurnConfig wide = ChurnConfig.builder().nodes(3).items(2).readWindow(100).build();

        assertThat(result(wide).summaryLine()).contains(" chanceToDie=0.02/s readWindow=100 retrieved=1/2 ");
        assertThat(result().summaryLine()).doesNotContain("readWindow");
    }

    @Test
    void shouldCountTheChurnPhaseAloneFromTheSampleBeforeItToItsLast() {
        PhaseTraffic churn = result().churnTraffic();

        assertThat(churn.nodeSeconds()).isEqualTo(3.0);
        assertThat(churn.total()).isEqualTo(new RouteTraffic(7, 6, 400, 300));
        assertThat(churn.byProtocol()).containsOnlyKeys("a", "b");
        assertThat(churn.messagesPerNodeSecond(churn.byProtocol().get("b"))).isEqualTo(7 / 3.0);
    }

    @Test
    void shouldReportNoTrafficForAPhaseTheRunNeverReached() {
        PhaseTraffic none = PhaseTraffic.of(SAMPLES, "retrieve");

        assertThat(none.nodeSeconds()).isZero();
        assertThat(none.messagesPerNodeSecond(none.total())).isZero();
    }

    @Test
    void shouldGiveTrafficPerNodeSecondOverTheNodesAliveInEachSecond() {
        assertThat(result().nodeSeconds()).isEqualTo(3 * 1.0 + 2 * 1.5);
        assertThat(result().bytesPerNodeSecond()).isEqualTo(900 / 6.0);
    }
}
