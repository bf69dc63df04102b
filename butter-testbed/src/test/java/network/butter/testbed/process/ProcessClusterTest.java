package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import network.butter.testbed.ClusterLimitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process cluster never leaves a host process behind: once it closes, it launches none. */
class ProcessClusterTest {

    @Test
    void shouldRefuseToLaunchHostsOnceClosedSoThatNoneOutlivesTheRun(@TempDir Path directory) {
        // The fake host answers every spawn; the class path holds directories, so no class archive is made.
        List<String> launcher = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
            "-cp", System.getProperty("java.class.path"), FakeHost.class.getName());
        ProcessConfig config = new ProcessConfig(launcher, 1, 0, ProcessConfig.MIN_NODE_MEMORY_BYTES, directory, 1,
            "pcg-r3", 1, KillScope.PROCESS);
        ProcessCluster cluster = new ProcessCluster(config, 1, line -> { });
        cluster.close();
        Set<Long> before = liveChildren();

        // What the scenario's thread does when a signal ends the run in the middle of its churn.
        assertThatThrownBy(cluster::spawn).isInstanceOf(ClusterLimitException.class)
            .hasMessageContaining("shutting down");

        assertThat(liveChildren()).as("host processes started after the close").isSubsetOf(before);
    }

    private static Set<Long> liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
            .collect(Collectors.toSet());
    }
}
