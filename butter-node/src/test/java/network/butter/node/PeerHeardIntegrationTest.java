package network.butter.node;

import static network.butter.node.LocalNodes.WAIT;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "peer heard" listeners on the real transport: told once for the frames of one read from a peer, not once per
 * frame, and told again at the next read.
 */
class PeerHeardIntegrationTest {

    private static final String ECHO = "test/echo";
    /** Requests sent in one loop task: written together, they reach the other node in one read or very few. */
    private static final int BURST = 64;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldTellTheListenersOncePerReadRatherThanOncePerFrame() throws Exception {
        ButterNode alice = nodes.start();
        ButterNode bob = nodes.start();
        bob.handleOnLoop(ECHO, request -> Reply.of(request.payload()));
        HeardCounter bobHeard = new HeardCounter(alice.id());
        HeardCounter aliceHeard = new HeardCounter(bob.id());
        bob.install(bobHeard);
        Burst burst = new Burst();
        alice.install(burst).install(aliceHeard);
        resultOf(alice.request(bob.address(), ECHO, new byte[0])); // connected, the protocols started
        int bobBefore = bobHeard.count();
        int aliceBefore = aliceHeard.count();

        for (CompletableFuture<Reply> reply : resultOf(burst.send(bob.address(), BURST))) {
            resultOf(reply);
        }

        assertThat(bobHeard.count() - bobBefore).as("bob's listener calls for %d requests", BURST)
            .isPositive().isLessThanOrEqualTo(BURST / 4);
        assertThat(aliceHeard.count() - aliceBefore).as("alice's listener calls for %d responses", BURST)
            .isPositive().isLessThanOrEqualTo(BURST / 4);

        int bobAfterBurst = bobHeard.count();
        resultOf(alice.request(bob.address(), ECHO, new byte[0]));
        assertThat(bobHeard.count()).as("bob's listener calls after one more request, in a read of its own")
            .isGreaterThan(bobAfterBurst);
    }

    /** Counts how often its node's "peer heard" listeners are told about one peer. */
    private static final class HeardCounter implements Protocol {
        private final PeerId peer;
        private final AtomicInteger heard = new AtomicInteger();

        HeardCounter(PeerId peer) {
            this.peer = peer;
        }

        @Override
        public String name() {
            return "heard-counter";
        }

        @Override
        public void start(ProtocolContext context) {
            context.onPeerHeard(id -> {
                if (id.equals(peer)) {
                    heard.incrementAndGet();
                }
            });
        }

        int count() {
            return heard.get();
        }
    }

    /** Sends requests from its node's loop, all in one task. */
    private static final class Burst implements Protocol {
        private volatile ProtocolContext context;

        @Override
        public String name() {
            return "burst";
        }

        @Override
        public void start(ProtocolContext context) {
            this.context = context;
        }

        CompletableFuture<List<CompletableFuture<Reply>>> send(PeerAddress to, int count) {
            CompletableFuture<List<CompletableFuture<Reply>>> sent = new CompletableFuture<>();
            context.loop().execute(() -> {
                List<CompletableFuture<Reply>> replies = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    replies.add(context.request(to, ECHO, new byte[] {(byte) i}, WAIT));
                }
                sent.complete(replies);
            });
            return sent;
        }
    }
}
