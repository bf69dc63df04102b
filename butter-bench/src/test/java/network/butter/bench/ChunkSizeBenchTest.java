package network.butter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChunkSizeBenchTest {

    @Test
    void shouldMeasureEverySizeOnRealNodesAndPrintTheSummary() {
        ChunkSizeBench bench = new ChunkSizeBench();
        new CommandLine(bench).parseArgs("--chunk-sizes", "4k,64k", "--rounds", "1", "--warmup-rounds", "0",
            "--content-bytes", "256k", "--nodes", "4", "--window-ms", "500", "--timeout-ms", "30000");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        List<ChunkSizeBench.Row> rows = bench.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rows).extracting(ChunkSizeBench.Row::succeeded).as(output).containsExactly(1, 1);
        // 256 KiB in 4 KiB chunks is 64 chunks and a manifest; in 64 KiB chunks, 4 and a manifest.
        assertThat(rows).extracting(ChunkSizeBench.Row::groups).containsExactly(65, 5);
        assertThat(rows.getFirst().putRatio()).isEqualTo(1.0);
        assertThat(rows.get(1).beatPayloadBytes()).isPositive().isLessThan(rows.getFirst().beatPayloadBytes());
        assertThat(output).contains("SUMMARY chunk-size content=256KiB nodes=4 rounds=1");
    }

    @Test
    void shouldReadByteSizesWithUnits() {
        ChunkSizeBench.ByteSize sizes = new ChunkSizeBench.ByteSize();
        assertThat(sizes.convert("4096")).isEqualTo(4096L);
        assertThat(sizes.convert("64k")).isEqualTo(65_536L);
        assertThat(sizes.convert("1M")).isEqualTo(1_048_576L);
        assertThat(ChunkSizeBench.label(262_144)).isEqualTo("256 KiB");
    }
}
