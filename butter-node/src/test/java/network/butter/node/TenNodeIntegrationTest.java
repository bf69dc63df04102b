package network.butter.node;

import static network.butter.node.LocalNodes.WAIT;
import static network.butter.node.LocalNodes.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import network.butter.api.Reply;
import org.junit.jupiter.api.Test;

/**
 * Ten real nodes on loopback, every one calling every other one at the same time: 90 requests, 45 pairs
 * dialling each other in both directions at once. Every answer must come from the node that was called and
 * name the caller TLS proved, and the whole network must then shut down cleanly: in time and without a single
 * warning.
 */
class TenNodeIntegrationTest {

    private static final int NODE_COUNT = 10;
    private static final String WHOAMI = "test/whoami";

    @Test
    void shouldAnswerEveryRequestBetweenTenNodesWithTheRightIds() throws Exception {
        try (LocalNodes nodes = new LocalNodes();
             CapturedLogs warnings = CapturedLogs.of("network.butter", Level.WARN, false)) {
            List<ButterNode> network = IntStream.range(0, NODE_COUNT).mapToObj(i -> nodes.start()).toList();
            for (ButterNode node : network) {
                node.handle(WHOAMI, req -> Reply.text(node.id() + " answers " + req.from().id()));
            }

            List<Call> calls = new ArrayList<>();
            for (ButterNode caller : network) {
                for (ButterNode callee : network) {
                    if (caller != callee) {
                        calls.add(new Call(caller, callee, caller.request(callee.address(), WHOAMI, new byte[0])));
                    }
                }
            }

            assertThat(calls).hasSize(NODE_COUNT * (NODE_COUNT - 1));
            for (Call call : calls) {
                assertThat(resultOf(call.reply()).text())
                    .as("%s calling %s", call.caller().id(), call.callee().id())
                    .isEqualTo(call.callee().id() + " answers " + call.caller().id());
            }

            CompletableFuture<?>[] shutdowns = network.stream()
                .map(node -> node.shutdown(WAIT))
                .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(shutdowns).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(warnings.atLeast(Level.WARN)).as("warnings while serving and shutting down").isEmpty();
        }
    }

    private record Call(ButterNode caller, ButterNode callee, CompletableFuture<Reply> reply) {
    }
}
