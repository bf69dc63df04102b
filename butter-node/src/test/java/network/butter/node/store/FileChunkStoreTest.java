package network.butter.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChunkStoreTest {

    private static final byte[] CHUNK = "a chunk of content".getBytes(StandardCharsets.UTF_8);
    private static final ContentId ID = ContentId.of(CHUNK);

    @TempDir
    Path dir;

    private Path fileOf(ContentId id) {
        String hex = id.toHex();
        return dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    @Test
    void shouldKeepChunksAcrossReopening() {
        FileChunkStore store = FileChunkStore.open(dir, 1 << 20);
        assertThat(store.put(ID, CHUNK)).isTrue();
        FileChunkStore reopened = FileChunkStore.open(dir, 1 << 20);
        assertThat(reopened.ids()).containsExactly(ID);
        assertThat(reopened.usedBytes()).isEqualTo(CHUNK.length);
        assertThat(reopened.get(ID)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(CHUNK));
    }

    @Test
    void shouldKeepGroupRecordsAcrossReopeningAndReplaceThemAtomically() {
        FileChunkStore store = FileChunkStore.open(dir, 1 << 20);
        store.put(ID, CHUNK);
        assertThat(store.putRecord(ID, new byte[] {1, 2, 3})).isTrue();
        assertThat(store.putRecord(ID, new byte[] {4, 5})).isTrue();
        FileChunkStore reopened = FileChunkStore.open(dir, 1 << 20);
        assertThat(reopened.ids()).containsExactly(ID);
        assertThat(reopened.recordIds()).containsExactly(ID);
        assertThat(reopened.record(ID)).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(4, 5));
        assertThat(reopened.usedBytes()).isEqualTo(CHUNK.length + 2);
        reopened.removeRecord(ID);
        assertThat(FileChunkStore.open(dir, 1 << 20).recordIds()).isEmpty();
    }

    @Test
    void shouldRefuseARecordBeyondCapacity() {
        FileChunkStore store = FileChunkStore.open(dir, 4);
        assertThat(store.putRecord(ID, new byte[] {1, 2, 3, 4, 5})).isFalse();
        assertThat(store.recordIds()).isEmpty();
    }

    @Test
    void shouldDropInterruptedWritesWhenOpening() throws Exception {
        Path partial = fileOf(ID).resolveSibling(ID.toHex() + ".part");
        Files.createDirectories(partial.getParent());
        Files.write(partial, new byte[] {1, 2, 3});
        FileChunkStore store = FileChunkStore.open(dir, 1 << 20);
        assertThat(store.ids()).isEmpty();
        assertThat(partial).doesNotExist();
    }

    @Test
    void shouldDetectAndDropACorruptChunkInsteadOfServingIt() throws Exception {
        FileChunkStore store = FileChunkStore.open(dir, 1 << 20);
        store.put(ID, CHUNK);
        byte[] damaged = CHUNK.clone();
        damaged[0] ^= 1;
        Files.write(fileOf(ID), damaged);
        assertThat(store.get(ID)).isEmpty();
        assertThat(store.contains(ID)).isFalse();
        assertThat(fileOf(ID)).doesNotExist();
    }

    @Test
    void shouldRefuseChunksBeyondCapacityAndMismatchedIds() throws Exception {
        FileChunkStore store = FileChunkStore.open(dir, CHUNK.length - 1);
        assertThat(store.put(ID, CHUNK)).isFalse();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        assertThatThrownBy(() -> store.put(ContentId.of(new byte[] {1}), CHUNK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not hash");
    }
}
