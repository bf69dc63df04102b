package network.butter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private static final long SEED = 5L;
    private static final byte[] OWNER = new byte[OwnedBlock.OWNER_BYTES];
    private static final byte[] OTHER_OWNER = new byte[OwnedBlock.OWNER_BYTES];

    static {
        OWNER[0] = 1;
        OTHER_OWNER[0] = 2;
    }

    private final Chunker chunker = new Chunker(1024);

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(SEED + length).nextBytes(bytes);
        return bytes;
    }

    @Test
    void shouldStoreSmallContentAsOneOwnedBlockNamedByItsHash() {
        byte[] content = random(1000);
        Chunker.Split split = chunker.split(content, OWNER);
        assertThat(split.id()).isEqualTo(ContentId.of(OwnedBlock.encode(OWNER, content)));
        assertThat(split.chunks()).hasSize(1);
        assertThat(Chunker.assemble(split.id(), split.chunks()::get)).isEqualTo(content);
    }

    @Test
    void shouldCutLargeContentIntoChunksBehindAManifest() throws Exception {
        byte[] content = random(10 * 1024 + 17);
        Chunker.Split split = chunker.split(content, OWNER);
        Manifest manifest = Manifest.decode(OwnedBlock.body(split.chunks().get(split.id())));
        assertThat(manifest.totalBytes()).isEqualTo(content.length);
        assertThat(manifest.chunks()).hasSize(11);
        assertThat(split.chunks()).hasSize(12);
        assertThat(Chunker.assemble(split.id(), split.chunks()::get)).isEqualTo(content);
    }

    @Test
    void shouldStoreRepeatedChunksOnce() {
        byte[] content = new byte[8 * 1024];
        Chunker.Split split = chunker.split(content, OWNER);
        assertThat(split.chunks()).hasSize(2);
        assertThat(Chunker.assemble(split.id(), split.chunks()::get)).isEqualTo(content);
    }

    @Test
    void shouldNeverTakeSmallContentThatLooksLikeAManifestForOne() {
        byte[] impostor = ByteBuffer.allocate(64).putInt(Manifest.MAGIC).array();
        Chunker.Split split = chunker.split(impostor, OWNER);
        assertThat(split.id()).isNotEqualTo(ContentId.of(OwnedBlock.encode(OWNER, impostor)));
        assertThat(Chunker.assemble(split.id(), split.chunks()::get)).isEqualTo(impostor);
    }

    @Test
    void shouldNameTheCorruptOrMissingChunk() {
        byte[] content = random(3 * 1024);
        Chunker.Split split = chunker.split(content, OWNER);
        Map<ContentId, byte[]> damaged = new HashMap<>(split.chunks());
        ContentId victim = damaged.keySet().stream().filter(id -> !id.equals(split.id())).findFirst().orElseThrow();
        byte[] flipped = damaged.get(victim).clone();
        flipped[0] ^= 1;
        damaged.put(victim, flipped);
        assertThatThrownBy(() -> Chunker.assemble(split.id(), damaged::get))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining(victim + " is corrupt");
        damaged.remove(victim);
        assertThatThrownBy(() -> Chunker.assemble(split.id(), damaged::get)).hasMessageContaining(victim + " is missing");
    }

    /** A manifest as an attacker would write it: any header, the given chunks, nothing checked. */
    private static byte[] forgedManifest(long totalBytes, int chunkBytes, List<ContentId> chunks) {
        ByteBuffer out = ByteBuffer.allocate(21 + 32 * chunks.size()).putInt(Manifest.MAGIC).put((byte) 1)
            .putLong(totalBytes).putInt(chunkBytes).putInt(chunks.size());
        chunks.forEach(id -> out.put(id.toBytes()));
        return out.array();
    }

    @Test
    void shouldRefuseAManifestDeclaringMoreThanItsChunks() {
        byte[] tiny = {42};
        long twoGiB = Chunker.MAX_CONTENT_BYTES;
        byte[] oneHugeChunk = forgedManifest(twoGiB, (int) twoGiB, List.of(ContentId.of(tiny)));
        Map<ContentId, byte[]> blocks = new HashMap<>(Map.of(ContentId.of(tiny), tiny, ContentId.of(oneHugeChunk), oneHugeChunk));

        assertThatThrownBy(() -> Chunker.assemble(ContentId.of(oneHugeChunk), blocks::get))
            .as("a chunk no frame could carry").isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("chunkBytes 1 to " + Manifest.MAX_CHUNK_BYTES);

        int chunkBytes = Manifest.MAX_CHUNK_BYTES;
        List<ContentId> tinyChunks = new ArrayList<>();
        for (int i = 0; i < (twoGiB + chunkBytes - 1) / chunkBytes; i++) {
            byte[] chunk = {(byte) i};
            tinyChunks.add(ContentId.of(chunk));
            blocks.put(ContentId.of(chunk), chunk);
        }
        byte[] manyTinyChunks = forgedManifest(twoGiB, chunkBytes, tinyChunks);
        ContentId forged = ContentId.of(manyTinyChunks);
        blocks.put(forged, manyTinyChunks);
        List<ContentId> asked = new ArrayList<>();
        Function<ContentId, byte[]> source = id -> {
            asked.add(id);
            return blocks.get(id);
        };

        assertThatThrownBy(() -> Chunker.assemble(forged, source, 1 << 20))
            .as("more than the reader accepts").isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("declares " + twoGiB + " bytes, more than this reader accepts (1048576 bytes)");
        assertThat(asked).as("refused on the manifest alone").containsExactly(forged);
        assertThatThrownBy(() -> Chunker.assemble(forged, blocks::get))
            .as("chunks smaller than declared").hasMessageContaining("has 1 bytes, the manifest says " + chunkBytes);
    }

    @Test
    void shouldRoundTripContentIdsAndRejectBadText() {
        ContentId id = ContentId.of(random(10));
        assertThat(ContentId.parse(id.toString())).isEqualTo(id);
        assertThat(id.toHex()).hasSize(64);
        assertThatThrownBy(() -> ContentId.parse("nope")).hasMessageContaining("43 base64url");
    }

    @Test
    void shouldRejectInconsistentManifests() {
        byte[] encoded = new Manifest(3000, 1024, chunker.split(random(3000), OWNER).chunks().keySet().stream().skip(1).toList())
            .encode();
        byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 1);
        assertThatThrownBy(() -> Manifest.decode(truncated)).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("carries");
        assertThatThrownBy(() -> new Manifest(3000, 1024, java.util.List.of())).hasMessageContaining("make 3 chunks");
    }

    @Test
    void shouldCommitEveryBlockIdToItsOwnerSoAnotherOwnerGetsOtherIds() {
        byte[] content = random(3 * 1024);
        Chunker.Split mine = chunker.split(content, OWNER);
        Chunker.Split theirs = chunker.split(content, OTHER_OWNER);
        assertThat(mine.chunks().keySet()).doesNotContainAnyElementsOf(theirs.chunks().keySet());
        mine.chunks().forEach((id, block) -> {
            assertThat(id.matches(block)).isTrue();
            assertThat(OwnedBlock.id(OWNER, OwnedBlock.bodyHash(block))).isEqualTo(id);
            assertThat(OwnedBlock.id(OTHER_OWNER, OwnedBlock.bodyHash(block))).isNotEqualTo(id);
        });
    }

    @Test
    void shouldRejectAnOwnedBlockWhoseOwnerWasSwapped() {
        Chunker.Split split = chunker.split(random(100), OWNER);
        byte[] block = split.chunks().get(split.id()).clone();
        System.arraycopy(OTHER_OWNER, 0, block, OwnedBlock.MAGIC.length, OwnedBlock.OWNER_BYTES);
        assertThat(split.id().matches(block)).isFalse();
    }
}
