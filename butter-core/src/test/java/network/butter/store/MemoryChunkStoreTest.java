package network.butter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryChunkStoreTest {

    private static final byte[] CHUNK = "a chunk of content".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final ContentId ID = ContentId.of(CHUNK);

    @Test
    void shouldKeepAndReturnChunksByTheirId() {
        MemoryChunkStore store = new MemoryChunkStore(1024);
        assertThat(store.put(ID, CHUNK)).isTrue();
        assertThat(store.get(ID)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(CHUNK));
        assertThat(store.ids()).containsExactly(ID);
        assertThat(store.usedBytes()).isEqualTo(CHUNK.length);
        store.remove(ID);
        assertThat(store.contains(ID)).isFalse();
        assertThat(store.usedBytes()).isZero();
    }

    @Test
    void shouldRefuseChunksBeyondItsCapacityAndOnesThatDoNotMatchTheirId() {
        MemoryChunkStore store = new MemoryChunkStore(CHUNK.length - 1);
        assertThat(store.put(ID, CHUNK)).isFalse();
        assertThat(store.ids()).isEmpty();
        assertThatThrownBy(() -> store.put(ContentId.of(new byte[] {1}), CHUNK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not hash");
    }
}
