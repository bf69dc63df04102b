package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;
import network.butter.testing.SeedReporter;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "peer heard" listeners: told for every request, response and failure a transport passes up one by one, and
 * once per batch when a batching transport says an earlier frame of the batch was already heard.
 */
class HeardListenersTest {

    private static final long SEED = 1201L;

    @RegisterExtension
    final SeedReporter seedReporter = new SeedReporter(() -> SEED);

    private final List<PeerId> heard = new ArrayList<>();
    private final List<PeerAddress> heardAt = new ArrayList<>();
    private TestNode alice;
    private TestNode bob;

    @BeforeEach
    void setUp() {
        MemoryNetwork net = new MemoryNetwork(SEED);
        alice = net.node();
        bob = net.node();
        bob.runtime().install(new Protocol() {
            @Override
            public String name() {
                return "listener";
            }

            @Override
            public void start(ProtocolContext context) {
                context.onPeerHeard(heard::add);
                context.onPeerHeardAt(heardAt::add);
            }
        });
        net.time().runDue();
    }

    @Test
    void shouldTellTheListenersOfEveryFramePassedUpOneByOne() {
        bob.runtime().onFrame(alice.address(), new Frame.Response(7, new byte[0]));
        bob.runtime().onFrame(alice.address(), new Frame.Failure(8, ErrorCode.OVERLOADED, "busy"));

        assertThat(heard).containsExactly(alice.address().id(), alice.address().id());
        assertThat(heardAt).containsExactly(alice.address(), alice.address());
    }

    @Test
    void shouldTellTheListenersOnceForFramesOfABatchAlreadyHeard() {
        bob.runtime().onFrame(alice.address(), new Frame.Response(7, new byte[0]), false);
        bob.runtime().onFrame(alice.address(), new Frame.Response(8, new byte[0]), true);
        bob.runtime().onFrame(alice.address(), new Frame.Failure(9, ErrorCode.OVERLOADED, "busy"), true);

        assertThat(heard).containsExactly(alice.address().id());
        assertThat(heardAt).containsExactly(alice.address());
    }
}
