package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import network.butter.node.NodeConfig;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wiki node's records and author key on disk: a restarted node has them back, whatever a crash left. */
class RecordLogTest {

    private final NodeIdentity ana = NodeIdentity.generate(new SecureRandom());

    @TempDir
    Path dir;

    @Test
    void shouldGiveARestartedIndexEveryAdmittedRecordAndCutOffAPartialLastEntry() throws Exception {
        Path file = dir.resolve("records.log");
        PageRecord home = record("Home", 1, RecordId.NONE);
        PageRecord edit = record("Home", 2, home.id());
        PageIndex before = new PageIndex();
        try (RecordLog log = RecordLog.open(file, before)) {
            before.onAdded(log::append);
            before.add(home);
            before.add(edit);
            before.add(edit);
        }
        Files.write(file, new byte[] {1, 0, 42}, StandardOpenOption.APPEND); // a crash in the middle of an append

        PageIndex after = new PageIndex();
        PageRecord other = record("Other", 1, RecordId.NONE);
        try (RecordLog log = RecordLog.open(file, after)) {
            after.onAdded(log::append);
            after.add(other);
        }
        PageIndex third = new PageIndex();
        RecordLog.open(file, third).close();

        assertThat(after.current("Home")).contains(edit);
        assertThat(third.size()).isEqualTo(3);
        assertThat(third.current("Other")).contains(other);
        assertThat(third.history("Home")).hasSize(2);
    }

    @Test
    void shouldKeepTheAuthorKeyInTheDataDirectoryAcrossRestarts() {
        NodeConfig config = NodeConfig.builder().host("127.0.0.1").port(0).dataDirectory(dir).build();
        PeerId author;
        try (WikiApp app = WikiApp.start(config, "ana", "127.0.0.1", 0, new PrintWriter(new StringWriter()))) {
            author = app.wiki().author().key().peerId();
        }
        try (WikiApp app = WikiApp.start(config, "ana", "127.0.0.1", 0, new PrintWriter(new StringWriter()))) {
            assertThat(app.wiki().author().key().peerId()).isEqualTo(author);
        }
        assertThat(dir.resolve(WikiAuthor.KEY_FILE)).exists();
        assertThat(dir.resolve(WikiApp.RECORD_FILE)).exists();
    }

    private PageRecord record(String name, int version, RecordId parent) {
        return PageRecord.sign(ana, "ana", name, version, parent, ContentId.of((name + version).getBytes(StandardCharsets.UTF_8)), version);
    }
}
