package network.butter.wider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import network.butter.api.Limits;
import network.butter.api.Reply;
import network.butter.env.PathKind;
import network.butter.identity.HostPort;
import network.butter.testing.SeedReporter;
import network.butter.wider.WiderWorld.FakeWider.Punch;
import network.butter.wider.WiderWorld.Member;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Coordinating hole punches over a relayed connection, and falling back to the relay. */
class PunchingTest {

    private static final long SEED = 17L;
    private static final WiderConfig CONFIG = WiderConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120);

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final WiderWorld world = new WiderWorld(SEED);
    private Member initiator;
    private Member responder;

    @BeforeEach
    void twoHomesThatTalkThroughARelay() {
        Member a = world.privateNode(CONFIG);
        Member b = world.privateNode(CONFIG);
        boolean aIsLower = a.id().compareTo(b.id()) < 0;
        initiator = aIsLower ? a : b;
        responder = aIsLower ? b : a;
        a.wider().paths.put(b.id(), PathKind.RELAYED);
        b.wider().paths.put(a.id(), PathKind.RELAYED);
        world.introduceAll();
    }

    @Test
    void shouldPunchFromBothSidesAtTheSameMomentWithEachOthersCandidates() {
        world.punchesWork = true;
        world.run(5_000);
        assertThat(initiator.wider().punches).hasSize(1);
        assertThat(responder.wider().punches).hasSize(1);
        Punch mine = initiator.wider().punches.getFirst();
        Punch theirs = responder.wider().punches.getFirst();
        assertThat(mine.peer()).isEqualTo(responder.id());
        assertThat(theirs.peer()).isEqualTo(initiator.id());
        assertThat(mine.candidates()).contains(responder.node().address().hostPort());
        assertThat(theirs.candidates()).contains(initiator.node().address().hostPort());
        assertThat(mine.delayMs()).as("half the measured round trip").isEqualTo(1);
        assertThat(mine.atMs() + mine.delayMs()).as("both dial at once").isEqualTo(theirs.atMs() + theirs.delayMs());
        world.run(10 * 60_000);
        assertThat(initiator.wider().punches).as("no punch once direct").hasSize(1);
    }

    @Test
    void shouldStayRelayedAndBackOffDoublingAfterFailedPunches() {
        world.punchesWork = false;
        world.run(5_000);
        assertThat(initiator.wider().punches).hasSize(1);
        long firstFailedAt = initiator.wider().punches.getFirst().atMs() + 1 + WiderWorld.PUNCH_TIMEOUT_MS;
        world.run(firstFailedAt + CONFIG.punchBackoffMs() - 5_000 - 10);
        assertThat(initiator.wider().punches).as("not before the back-off").hasSize(1);
        world.run(2_000);
        assertThat(initiator.wider().punches).hasSize(2);
        long secondFailedAt = initiator.wider().punches.get(1).atMs() + 1 + WiderWorld.PUNCH_TIMEOUT_MS;
        world.run(secondFailedAt + 2 * CONFIG.punchBackoffMs() - world.net.time().nowMs() - 10);
        assertThat(initiator.wider().punches).as("back-off doubled").hasSize(2);
        world.run(2_000);
        assertThat(initiator.wider().punches).hasSize(3);
        assertThat(initiator.wider().path(responder.id())).contains(PathKind.RELAYED);
        assertThat(responder.wider().punches).hasSize(3);
    }

    @Test
    void shouldRefuseToPunchForAPeerItDoesNotReachThroughARelay() {
        responder.wider().paths.put(initiator.id(), PathKind.DIRECT);
        CompletableFuture<Reply> reply = initiator.node().runtime().request(responder.node().address(),
            Wider.PUNCH_ROUTE, WiderMessages.encodePunchConnect(List.of(new HostPort("192.0.2.1", 80))),
            Duration.ofSeconds(5));
        world.run(100);
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .withMessageContaining("nothing to punch");
        assertThat(responder.wider().punches).isEmpty();
    }

    @Test
    void shouldRefuseASyncWithoutAConnect() {
        CompletableFuture<Reply> reply = initiator.node().runtime().request(responder.node().address(),
            Wider.PUNCH_ROUTE, WiderMessages.encodePunchSync(), Duration.ofSeconds(5));
        world.run(100);
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
            .withMessageContaining("punch sync without a connect");
        assertThat(responder.wider().punches).isEmpty();
    }
}
