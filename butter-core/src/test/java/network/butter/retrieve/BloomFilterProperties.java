package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;

/** Properties of the content summaries' Bloom filter, over random content sets (jqwik prints the seed on failure). */
class BloomFilterProperties {

    private static List<ContentId> ids(long seed, int count) {
        List<ContentId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(ContentId.of(("item " + seed + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return ids;
    }

    @Property(tries = 200)
    void shouldNeverMissAnIdItHolds(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int count,
                                   @ForAll @IntRange(min = 6, max = 16) int log2Bits) {
        List<ContentId> ids = ids(seed, count);
        BloomFilter filter = BloomFilter.of(1 << log2Bits, ids);

        assertThat(ids).allMatch(filter::mightContain);
    }

    @Property(tries = 200)
    void shouldReadBackWhatItWroteInEitherForm(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int count,
                                              @ForAll @IntRange(min = 6, max = 16) int log2Bits) throws Exception {
        BloomFilter filter = BloomFilter.of(1 << log2Bits, ids(seed, count));
        PayloadWriter out = new PayloadWriter(filter.encodedBytes());
        filter.write(out);
        byte[] bytes = out.toByteArray();

        assertThat(bytes).hasSize(filter.encodedBytes());
        PayloadReader in = new PayloadReader(bytes, "filter");
        assertThat(BloomFilter.read(in)).isEqualTo(filter);
        in.end();
    }

    @Property(tries = 100)
    void shouldContainInTheUnionWhatEitherContains(@ForAll long seed, @ForAll @IntRange(min = 0, max = 500) int left,
                                                   @ForAll @IntRange(min = 0, max = 500) int right) {
        List<ContentId> a = ids(seed, left);
        List<ContentId> b = ids(seed + 1, right);
        BloomFilter union = BloomFilter.union(1 << 14, List.of(BloomFilter.of(1 << 14, a), BloomFilter.of(1 << 14, b)));

        assertThat(a).allMatch(union::mightContain);
        assertThat(b).allMatch(union::mightContain);
        assertThat(union).isEqualTo(BloomFilter.of(1 << 14, a).or(BloomFilter.of(1 << 14, b)));
    }
}
