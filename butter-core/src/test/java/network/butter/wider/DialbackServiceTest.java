package network.butter.wider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.Reply;
import network.butter.identity.HostPort;
import network.butter.testing.SeedReporter;
import network.butter.wider.WiderMessages.DialbackAnswer;
import network.butter.wider.WiderWorld.Member;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serving side of reachability: what a node dials back, for whom, and how often. */
class DialbackServiceTest {

    private static final long SEED = 16L;
    private static final WiderConfig CONFIG = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final WiderWorld world = new WiderWorld(SEED);

    private CompletableFuture<Reply> ask(Member from, Member to, List<HostPort> candidates) {
        return from.node().runtime().request(to.node().address(), Wider.DIALBACK_ROUTE,
            WiderMessages.encodeHostPorts(candidates), Duration.ofSeconds(10));
    }

    private static DialbackAnswer answer(CompletableFuture<Reply> reply, int candidates) throws Exception {
        return WiderMessages.decodeDialbackAnswer(reply.get().payload(), candidates);
    }

    @Test
    void shouldTellTheRequesterHowItIsSeenAndDialBackOnlyItsOwnIp() throws Exception {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        HostPort atRouter = new HostPort(home.wider().publicIp, 7000);
        HostPort victim = new HostPort("192.0.2.80", 80);
        CompletableFuture<Reply> reply = ask(home, server, List.of(victim, atRouter));
        world.run(10_000);
        DialbackAnswer answer = answer(reply, 2);
        assertThat(answer.observed().host()).isEqualTo(home.wider().publicIp);
        assertThat(answer.outcomes()).containsExactly(DialbackOutcome.OTHER_IP, DialbackOutcome.UNREACHED);
        assertThat(server.wider().probes).containsExactly(atRouter);
    }

    @Test
    void shouldAnswerHowTheRequesterIsSeenWithoutDiallingOrCountingItAgainstThePerPeerLimit() throws Exception {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        CompletableFuture<Reply> observation = ask(home, server, List.of());
        world.run(1_000);
        assertThat(answer(observation, 0).observed().host()).isEqualTo(home.wider().publicIp);
        HostPort atRouter = new HostPort(home.wider().publicIp, 7000);
        CompletableFuture<Reply> check = ask(home, server, List.of(atRouter));
        world.run(10_000);
        assertThat(answer(check, 1).outcomes()).as("a real check right after the observation is served")
            .containsExactly(DialbackOutcome.UNREACHED);
        assertThat(server.wider().probes).containsExactly(atRouter);
    }

    @Test
    void shouldReportReachedOnlyWhenTheRequesterItselfAnswers() throws Exception {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        Member other = world.publicNode(CONFIG);
        HostPort mine = new HostPort(home.wider().publicIp, 7000);
        HostPort someoneElses = new HostPort(home.wider().publicIp, 7001);
        world.open(mine, home);
        world.open(someoneElses, other);
        CompletableFuture<Reply> reply = ask(home, server, List.of(mine, someoneElses));
        world.run(10_000);
        assertThat(answer(reply, 2).outcomes()).containsExactly(DialbackOutcome.REACHED, DialbackOutcome.WRONG_PEER);
    }

    @Test
    void shouldDialNothingForARequestThatCameOverARelay() throws Exception {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        server.wider().relayedPeers.add(home.id());
        CompletableFuture<Reply> reply = ask(home, server, List.of(new HostPort(home.wider().publicIp, 7000)));
        world.run(10_000);
        DialbackAnswer answer = answer(reply, 1);
        assertThat(answer.observed()).isNull();
        assertThat(answer.outcomes()).containsExactly(DialbackOutcome.NOT_TRIED);
        assertThat(server.wider().probes).isEmpty();
    }

    @Test
    void shouldRefuseAPeerThatAsksAgainTooSoon() throws Exception {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        List<HostPort> candidates = List.of(new HostPort(home.wider().publicIp, 7000));
        CompletableFuture<Reply> first = ask(home, server, candidates);
        CompletableFuture<Reply> second = ask(home, server, candidates);
        world.run(CONFIG.dialbackPerPeerMs() - 10);
        assertThat(first).isCompleted();
        assertThat(second).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOf(OverloadedException.class).withMessageContaining("dial-back asked again");
        world.run(20);
        CompletableFuture<Reply> later = ask(home, server, candidates);
        world.run(10_000);
        assertThat(later).isCompleted();
        assertThat(server.wider().probes).hasSize(2);
    }

    @Test
    void shouldServeNoMoreDialBacksPerSecondThanConfiguredFromAllPeersTogether() {
        Member server = world.publicNode(CONFIG.withDialbackLimits(10_000, 2, 16));
        List<CompletableFuture<Reply>> replies = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Member home = world.privateNode(CONFIG);
            replies.add(ask(home, server, List.of(new HostPort(home.wider().publicIp, 7000))));
        }
        world.run(100);
        assertThat(replies.get(2)).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .havingCause().isInstanceOf(OverloadedException.class).withMessageContaining("dial-back busy");
        world.run(10_000);
        assertThat(replies.subList(0, 2)).allSatisfy(reply -> assertThat(reply).isCompleted());
        assertThat(server.wider().probes).hasSize(2);
    }

    @Test
    void shouldAnswerNotTriedForCandidatesBeyondTheConcurrentProbeLimit() throws Exception {
        Member server = world.publicNode(CONFIG.withDialbackLimits(10_000, 8, 1));
        Member home = world.privateNode(CONFIG);
        String ip = home.wider().publicIp;
        CompletableFuture<Reply> reply = ask(home, server, List.of(new HostPort(ip, 7000), new HostPort(ip, 7001)));
        world.run(10_000);
        assertThat(answer(reply, 2).outcomes()).containsExactly(DialbackOutcome.UNREACHED, DialbackOutcome.NOT_TRIED);
    }

    @Test
    void shouldRefuseAMalformedRequestClearly() {
        Member server = world.publicNode(CONFIG);
        Member home = world.privateNode(CONFIG);
        CompletableFuture<Reply> reply = home.node().runtime().request(server.node().address(), Wider.DIALBACK_ROUTE,
            new byte[] {9}, Duration.ofSeconds(10));
        world.run(100);
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .withMessageContaining("9 addresses, at most 8");
    }
}
