package network.butter.cli.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a lab process leaves nothing running, even when the test that stops it has timed out. */
class LabProcessTest {

    @Test
    void shouldKillTheCommandUnderTimeoutTooWhenStoppedByAnInterruptedTest(@TempDir Path directory) {
        // As the lab starts a node: under `timeout`, whose child it is.
        LabProcess process = LabProcess.start("sleeper", List.of("timeout", "--kill-after=5s", "60s", "sleep", "60"),
            directory.resolve("sleeper.err"));
        List<ProcessHandle> children = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                children.addAll(process.handle().children().toList());
                return !children.isEmpty();
            });
            Thread.currentThread().interrupt(); // what JUnit does to a test that ran out of time
            process.stop();
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
            children.forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(children).as("the command under timeout").isNotEmpty()
            .noneMatch(ProcessHandle::isAlive);
    }
}
