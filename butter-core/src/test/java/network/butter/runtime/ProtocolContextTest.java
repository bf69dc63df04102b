package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import network.butter.wire.ErrorCode;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Built-in protocols: routes on the loop, requests completing on the loop, peer failures, life cycle. */
class ProtocolContextTest {

    private static final long SEED = 4242L;

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private MemoryNetwork net;
    private TestNode alice;
    private TestNode bob;
    private final Recorder aliceProtocol = new Recorder();
    private final Recorder bobProtocol = new Recorder();

    /** A protocol that serves "test/count" from its own state and records what it sees. */
    private static final class Recorder implements Protocol {
        ProtocolContext context;
        int served;
        boolean stopped;
        final List<PeerId> failedPeers = new ArrayList<>();

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public void start(ProtocolContext context) {
            this.context = context;
            context.handle("test/count", req -> Reply.text(Integer.toString(++served)));
            context.handle("test/broken", req -> {
                throw new IllegalStateException("protocol state is inconsistent");
            });
            context.handle("test/strict", req -> {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "malformed count request: 1 byte too many");
            });
            context.onPeerFailed((peer, cause) -> failedPeers.add(peer));
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }

    @BeforeEach
    void setUp() {
        net = new MemoryNetwork(SEED);
        alice = net.node();
        bob = net.node();
        alice.runtime().install(aliceProtocol);
        bob.runtime().install(bobProtocol);
        net.time().runDue();
    }

    private CompletableFuture<Reply> call(String route) {
        return aliceProtocol.context.request(bob.address(), route, "x".getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(1));
    }

    @Test
    void shouldServeProtocolRoutesFromProtocolStateOnTheLoop() {
        CompletableFuture<Reply> first = call("test/count");
        CompletableFuture<Reply> second = call("test/count");
        net.time().advance(10);
        assertThat(first.join().text()).isEqualTo("1");
        assertThat(second.join().text()).isEqualTo("2");
        assertThat(bob.worker().interrupted()).isEmpty();
    }

    @Test
    void shouldReportAThrowingProtocolHandlerToTheCallerAsAnIncidentOnly() {
        CompletableFuture<Reply> reply = call("test/broken");
        net.time().advance(10);
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause().isInstanceOfSatisfying(RemoteHandlerException.class, e -> {
                assertThat(e.incidentId()).isPresent();
                assertThat(e).hasMessageNotContaining("inconsistent").hasMessageNotContaining("IllegalStateException");
            });
    }

    @Test
    void shouldTellTheCallerWhatWasMalformedInItsRequest() {
        CompletableFuture<Reply> reply = call("test/strict");
        net.time().advance(10);
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause().isInstanceOfSatisfying(RemoteHandlerException.class, e -> {
                assertThat(e.remoteMessage()).isEqualTo("malformed count request: 1 byte too many");
                assertThat(e.incidentId()).isEmpty();
            });
    }

    @Test
    void shouldTellProtocolsWhichPeersFailed() {
        net.crash(bob.address().id());
        net.time().advance(10);
        assertThat(aliceProtocol.failedPeers).containsExactly(bob.address().id());
    }

    @Test
    void shouldStopAProtocolInstalledTooLateWithoutStartingIt() {
        alice.runtime().shutdown(Duration.ofSeconds(1));
        net.time().advance(10);
        Recorder late = new Recorder();
        alice.runtime().install(late);
        net.time().advance(10);
        assertThat(late.context).isNull();
        assertThat(late.stopped).isTrue();
    }

    @Test
    void shouldStopProtocolsWhenTheNodeShutsDownAndRefuseTheirNewRequests() {
        alice.runtime().shutdown(Duration.ofSeconds(1));
        net.time().advance(10);
        assertThat(aliceProtocol.stopped).isTrue();
        assertThat(call("test/count")).isCompletedExceptionally();
    }
}
