package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class BloomFilterTest {

    private static ContentId id(int i) {
        return ContentId.of(("block " + i).getBytes(StandardCharsets.UTF_8));
    }

    private static List<ContentId> ids(int from, int count) {
        List<ContentId> ids = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    @Test
    void shouldBeWrongAboutAbsentIdsAsRarelyAsItsFillPredicts() {
        BloomFilter filter = BloomFilter.of(1 << 16, ids(0, 6_000));
        long wrong = ids(1_000_000, 100_000).stream().filter(filter::mightContain).count();

        double measured = wrong / 100_000.0;
        assertThat(filter.falsePositiveRate()).isBetween(0.01, 0.03);
        assertThat(measured).isCloseTo(filter.falsePositiveRate(), org.assertj.core.data.Offset.offset(0.005));
    }

    @Test
    void shouldSendAFewIdsAsPositionsAndAFullFilterAsABitmap() {
        assertThat(BloomFilter.of(1 << 16, ids(0, 3)).encodedBytes()).isEqualTo(2 + 2 + 4 * 9);
        assertThat(BloomFilter.of(1 << 16, ids(0, 5_000)).encodedBytes()).isEqualTo(2 + (1 << 16) / 8);
        assertThat(BloomFilter.empty(1 << 16).encodedBytes()).isEqualTo(4);
    }

    @Test
    void shouldRefuseSizesThatAreNotPowersOfTwoInRange() {
        assertThatThrownBy(() -> BloomFilter.empty(1000)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("power of two");
        assertThatThrownBy(() -> BloomFilter.empty(32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BloomFilter.empty(1 << 21)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BloomFilter.empty(1 << 10).or(BloomFilter.empty(1 << 11)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot combine");
    }

    @Test
    void shouldRejectMalformedFiltersFromTheNetwork() {
        assertMalformed(new PayloadWriter(8).u8(40).u8(0).u16(0).toByteArray(), "2^40 bits");
        assertMalformed(new PayloadWriter(8).u8(10).u8(7).toByteArray(), "unknown Bloom filter form");
        assertMalformed(new PayloadWriter(16).u8(10).u8(0).u16(2).u32(5).u32(5).toByteArray(), "out of order");
        assertMalformed(new PayloadWriter(16).u8(10).u8(0).u16(1).u32(1024).toByteArray(), "beyond");
        assertMalformed(new PayloadWriter(16).u8(10).u8(0).u16(500).u32(1).toByteArray(), "a count of 500");
        assertMalformed(new PayloadWriter(16).u8(10).u8(1).u32(0).toByteArray(), "truncated");
    }

    private static void assertMalformed(byte[] bytes, String problem) {
        assertThatThrownBy(() -> BloomFilter.read(new PayloadReader(bytes, "summary")))
            .isInstanceOf(WireFormatException.class).hasMessageContaining(problem);
    }
}
