package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/** What the lab tests share: waiting for a step with every process's output on failure, and reading a node's lines. */
final class LabSteps {

    private LabSteps() {
    }

    /**
     * Waits up to {@code bound} for the condition, failing early if a process died, and with every process's output
     * if it times out.
     */
    static void awaitOrFail(BooleanSupplier condition, String what, List<LabProcess> processes, Duration bound,
                            Duration pollInterval) {
        try {
            await().atMost(bound).pollInterval(pollInterval)
                .until(() -> condition.getAsBoolean() || processes.stream().anyMatch(process -> !process.alive()));
        } catch (ConditionTimeoutException e) {
            fail(what + ": not within " + bound + "\n" + describe(processes));
        }
        if (!condition.getAsBoolean()) {
            fail(what + ": a process exited\n" + describe(processes));
        }
    }

    /** Every process's label, state and output. */
    static String describe(List<LabProcess> processes) {
        return processes.stream().map(LabProcess::describe).collect(Collectors.joining("\n"));
    }

    /** The peer id a {@code butter node} printed. */
    static String id(LabProcess node) {
        return node.firstLineStartingWith("peer id: ").orElseThrow().text().substring("peer id: ".length());
    }

    /** Whether a {@code butter node} printed that it came to know the peer. */
    static boolean knows(LabProcess node, String peerId) {
        return node.firstLineStartingWith("known peer " + peerId + "@").isPresent();
    }
}
