package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node per data directory: a second node on a directory in use fails at start, naming the directory and the
 * other node, whether that node runs in this process or another; once the holder is gone, even killed, the
 * directory is free again.
 */
class DataDirectoryLockTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDirectory;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldRefuseASecondNodeOfThisProcessOnADataDirectoryInUse() {
        ButterNode first = nodes.start(cfg -> cfg.dataDirectory(dataDirectory));
        PeerId firstId = first.id();

        assertThatThrownBy(() -> nodes.start(cfg -> cfg.dataDirectory(dataDirectory)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(dataDirectory.toAbsolutePath().toString())
            .hasMessageContaining("in use by another node in this process");

        first.close();
        assertThat(nodes.start(cfg -> cfg.dataDirectory(dataDirectory)).id())
            .as("the same directory, free again after the first node closed").isEqualTo(firstId);
    }

    @Test
    void shouldRefuseANodeWhileAnotherProcessHoldsItsDataDirectoryAndStartOnceThatProcessIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            LockHolderMain.class.getName(), dataDirectory.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        try {
            awaitLine(holder, "locked");

            assertThatThrownBy(() -> nodes.start(cfg -> cfg.dataDirectory(dataDirectory)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dataDirectory.toAbsolutePath().toString())
                .hasMessageContaining("in use by another node (process " + holder.pid() + ")");
        } finally {
            holder.destroyForcibly(); // SIGKILL: the operating system must release the lock by itself
            holder.waitFor();
        }
        assertThat(nodes.start(cfg -> cfg.dataDirectory(dataDirectory)).started()).isTrue();
    }

    private static void awaitLine(Process process, String expected) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        await("the other process took the lock").atMost(WAIT).until(() -> expected.equals(out.readLine()));
    }
}
