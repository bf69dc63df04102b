package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import network.butter.api.Limits;
import network.butter.persist.PcgConfig;
import org.junit.jupiter.api.Test;

/** The storage settings a node derives, takes and refuses; nothing here opens a socket or a file. */
class NodeStorageConfigTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldKeepAQuarterOfTheMemoryBudgetInMemoryWithoutADataDirectory() {
        StorageConfig storage = NodeConfig.builder().memoryBudgetBytes(256 * MIB).build().storage();

        assertThat(storage).isEqualTo(new StorageConfig(PcgConfig.defaults(), 64 * MIB));
    }

    @Test
    void shouldKeepOneGibibyteOnDiskWithADataDirectory() {
        StorageConfig storage = NodeConfig.builder().dataDirectory(Path.of("data")).build().storage();

        assertThat(storage).isEqualTo(new StorageConfig(PcgConfig.defaults(), 1024 * MIB));
        assertThat(StorageConfig.chunkDirectory(Path.of("data"))).isEqualTo(Path.of("data", "chunks"));
    }

    @Test
    void shouldTakeTheProtocolAndCapacityGiven() {
        PcgConfig protocol = PcgConfig.defaults().withReplication(5);

        StorageConfig storage = NodeConfig.builder().storageProtocol(protocol).storageCapacityBytes(10 * MIB).build()
            .storage();

        assertThat(storage).isEqualTo(new StorageConfig(protocol, 10 * MIB));
    }

    @Test
    void shouldHaveNoStorageWhenSwitchedOff() {
        assertThat(NodeConfig.builder().storage(false).build().storage()).isNull();
    }

    @Test
    void shouldShrinkTheDefaultChunksToFitTheFramesOfTheSmallestBudget() {
        NodeConfig config = NodeConfig.builder().memoryBudgetBytes(16 * MIB).build();

        assertThat(config.storage().protocol().minFrameBytes()).isEqualTo(config.limits().maxFrameBytes());
    }

    @Test
    void shouldRejectChunksTheFramesCannotCarrySayingHowToFixIt() {
        NodeConfig.Builder builder = NodeConfig.builder().limits(Limits.defaults().withMaxFrameBytes(16 * 1024))
            .storageProtocol(PcgConfig.defaults());

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("storage chunks of " + PcgConfig.DEFAULT_CHUNK_BYTES + " bytes need frames of at least "
                + PcgConfig.defaults().minFrameBytes() + " bytes")
            .hasMessageContaining("turn storage off");
    }

    @Test
    void shouldRejectFramesTooSmallForAnyChunkUnlessStorageIsOff() {
        Limits tinyFrames = Limits.defaults().withMaxFrameBytes(1024);

        assertThatThrownBy(() -> NodeConfig.builder().limits(tinyFrames).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("turn storage off");
        assertThat(NodeConfig.builder().limits(tinyFrames).storage(false).build().limits()).isEqualTo(tinyFrames);
    }

    @Test
    void shouldRejectAMemoryStoreLargerThanHalfTheBudgetPointingToADataDirectory() {
        NodeConfig.Builder builder = NodeConfig.builder().memoryBudgetBytes(256 * MIB).storageCapacityBytes(200 * MIB);

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("exceeds half the memory budget")
            .hasMessageContaining("data directory");
        assertThat(builder.dataDirectory(Path.of("data")).build().storage().capacityBytes()).isEqualTo(200 * MIB);
    }

    @Test
    void shouldRejectANegativeCapacity() {
        assertThatThrownBy(() -> NodeConfig.builder().storageCapacityBytes(-1).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage capacity must be >= 0");
    }

    @Test
    void shouldWarnOnlyWhenTheHeapIsSmallerThanTheMemoryBudget() {
        assertThat(ButterNode.warnIfHeapBelowBudget(128L << 20, 256L << 20)).isTrue();
        assertThat(ButterNode.warnIfHeapBelowBudget(256L << 20, 256L << 20)).isFalse();
        assertThat(ButterNode.warnIfHeapBelowBudget(Long.MAX_VALUE, 256L << 20)).isFalse();
    }
}
