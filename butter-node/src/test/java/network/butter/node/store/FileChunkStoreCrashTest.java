package network.butter.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of writing: every chunk acknowledged before the kill is there and intact afterwards, and
 * nothing half-written is left or served.
 */
class FileChunkStoreCrashTest {

    private static final long SEED = 20261123L;
    private static final int ACKS_BEFORE_KILL = 200;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedChunkWhenTheWriterIsKilledMidWrite() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            ChunkWriterMain.class.getName(), dir.toString(), Long.toString(SEED))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        List<ContentId> acknowledged = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        acknowledged.add(ContentId.parse(line.substring(4)));
                    }
                }
            } catch (java.io.IOException e) {
                // the pipe closes when the writer is killed
            }
        });
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= ACKS_BEFORE_KILL);
        } finally {
            writer.destroyForcibly(); // SIGKILL, wherever the writer is in its next put
            writer.waitFor();
            reader.join(Duration.ofSeconds(10));
        }
        List<ContentId> ackedBeforeKill = List.copyOf(acknowledged);

        FileChunkStore reopened = FileChunkStore.open(dir, Long.MAX_VALUE);

        assertThat(ackedBeforeKill).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        for (ContentId id : ackedBeforeKill) {
            assertThat(reopened.get(id)).as("acknowledged chunk %s (seed %d)", id, SEED).isPresent();
        }
        for (ContentId id : reopened.ids()) {
            assertThat(reopened.get(id)).as("every chunk on disk is intact: %s", id).isPresent();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(path -> path.toString().endsWith(".part"))).as("no half-written chunk left").isEmpty();
        }
    }
}
