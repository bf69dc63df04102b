package network.butter.wider;

import static network.butter.wider.DialbackOutcome.NOT_TRIED;
import static network.butter.wider.DialbackOutcome.OTHER_IP;
import static network.butter.wider.DialbackOutcome.REACHED;
import static network.butter.wider.DialbackOutcome.UNREACHED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import network.butter.identity.HostPort;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final HostPort LISTEN = new HostPort("10.0.0.5", 7000);
    private static final HostPort MAPPED = new HostPort("203.0.113.5", 7000);
    private static final List<HostPort> CANDIDATES = List.of(LISTEN, MAPPED);

    @Test
    void shouldBePublicWhenAMajorityReachesACandidateAndAdvertiseOnlyConfirmedOnes() {
        Verdict verdict = Verdict.decide(CANDIDATES, List.of(
            List.of(OTHER_IP, REACHED), List.of(OTHER_IP, REACHED), List.of(OTHER_IP, UNREACHED)), 3);
        assertThat(verdict.reachability()).isEqualTo(Reachability.PUBLIC);
        assertThat(verdict.confirmed()).containsExactly(MAPPED);
    }

    @Test
    void shouldPutTheMostConfirmedCandidateFirst() {
        Verdict verdict = Verdict.decide(CANDIDATES, List.of(
            List.of(REACHED, REACHED), List.of(UNREACHED, REACHED), List.of(REACHED, REACHED)), 3);
        assertThat(verdict.confirmed()).containsExactly(MAPPED, LISTEN);
    }

    @Test
    void shouldBePrivateWhenAMajorityReachesNothing() {
        Verdict verdict = Verdict.decide(CANDIDATES, List.of(
            List.of(OTHER_IP, UNREACHED), List.of(UNREACHED, UNREACHED), List.of(OTHER_IP, REACHED)), 3);
        assertThat(verdict.reachability()).isEqualTo(Reachability.PRIVATE);
        assertThat(verdict.confirmed()).isEmpty();
    }

    @Test
    void shouldBeInconclusiveWithTooFewAnswersThatActuallyDialled() {
        Verdict verdict = Verdict.decide(CANDIDATES, List.of(
            List.of(REACHED, REACHED), List.of(REACHED, REACHED), List.of(OTHER_IP, NOT_TRIED), List.of()), 3);
        assertThat(verdict.conclusive()).isFalse();
        assertThat(verdict.counted()).isEqualTo(2);
        assertThat(verdict.reachability()).isEqualTo(Reachability.UNKNOWN);
    }

    @Test
    void shouldBeUnknownWhenPeersDisagree() {
        Verdict verdict = Verdict.decide(CANDIDATES, List.of(
            List.of(REACHED, UNREACHED), List.of(UNREACHED, REACHED), List.of(UNREACHED, UNREACHED),
            List.of(REACHED, UNREACHED)), 3);
        assertThat(verdict.conclusive()).isTrue();
        assertThat(verdict.reachability()).isEqualTo(Reachability.UNKNOWN);
    }
}
