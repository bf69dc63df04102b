package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import network.butter.api.NodeStats;
import network.butter.api.RouteTraffic;
import org.junit.jupiter.api.Test;

class HostLinesTest {

    @Test
    void shouldReadBackTheCountersAStatsLineCarries() {
        NodeStats sent = new NodeStats(12, 3, 9, 4, Map.of("butter/pcg/beat", 7L), 4_096,
            Map.of("butter/pcg/beat", new RouteTraffic(7, 2, 700, 20), "butter/hosts/poll", new RouteTraffic(5, 7, 50, 70)));

        HostLines.Stats read = HostLines.parseStats(HostLines.stats(4, 16, sent).split(" "));

        assertThat(read.slot()).isEqualTo(4);
        assertThat(read.knownHosts()).isEqualTo(16);
        assertThat(read.stats().requestsSent()).isEqualTo(12);
        assertThat(read.stats().repliesSent()).isEqualTo(9);
        assertThat(read.stats().bytesSent()).isEqualTo(4_096);
        assertThat(read.stats().sentByRoute()).isEqualTo(sent.sentByRoute());
    }

    @Test
    void shouldRefuseALineThatIsNotAStatsLine() {
        assertThatThrownBy(() -> HostLines.parseStats("joined 4".split(" ")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a stats line");
    }

    @Test
    void shouldKeepAFailureReasonOnOneLine() {
        assertThat(HostLines.failed(3, "cannot bind\nToo many open files")).isEqualTo("failed 3 cannot bind Too many open files");
    }
}
