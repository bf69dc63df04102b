package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import network.butter.retrieve.RetrieveMessages.Hit;
import network.butter.retrieve.RetrieveMessages.Summary;
import network.butter.store.ContentId;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes the retrieval routes' decoders: search queries and hits forwarded by any peer, and the Bloom filter
 * summaries a peer pushes or answers a subscription with. Runs the checked-in corpus in every build;
 * {@code scripts/fuzz.sh} fuzzes them for real.
 */
class RetrieveMessagesFuzzTest {

    private static final ContentId PROBE = ContentId.fromBytes(new byte[ContentId.LENGTH_BYTES]);

    @FuzzTest
    void shouldDecodeAnyQueryToAQueryOrARefusal(byte[] bytes) {
        SearchQuery query = DecoderContract.decode(bytes, RetrieveMessages::decodeQuery);
        if (query != null) {
            assertThat(RetrieveMessages.encodeQuery(query)).as("a query has one encoding").isEqualTo(bytes);
        }
    }

    @FuzzTest
    void shouldDecodeAnyHitToAHitOrARefusal(byte[] bytes) {
        Hit hit = DecoderContract.decode(bytes, Hit::decode);
        if (hit != null) {
            assertThat(hit.encode()).as("a hit has one encoding").isEqualTo(bytes);
        }
    }

    @FuzzTest
    void shouldDecodeAnySummaryToUsableFiltersOrARefusal(byte[] bytes) {
        Summary summary = DecoderContract.decode(bytes, Summary::decode);
        if (summary != null) {
            checkUsable(summary.own());
            checkUsable(summary.neighbourhood());
            assertThat(DecoderContract.decodeOwn(summary.encode(), Summary::decode)).isEqualTo(summary);
        }
    }

    @FuzzTest
    void shouldDecodeAnySubscribeReplyToASummaryOrARefusal(byte[] bytes) {
        boolean[] decoded = new boolean[1];
        Summary summary = DecoderContract.decode(bytes, payload -> {
            Summary read = RetrieveMessages.decodeSubscribeReply(payload);
            decoded[0] = true;
            return read;
        });
        if (decoded[0]) {
            byte[] encoded = RetrieveMessages.encodeSubscribeReply(summary);
            assertThat(DecoderContract.decodeOwn(encoded, RetrieveMessages::decodeSubscribeReply)).isEqualTo(summary);
        }
    }

    /** A decoded filter must work like one built locally: in range, combinable, and queryable. */
    private static void checkUsable(BloomFilter filter) {
        assertThat(filter.bitCount()).isBetween(0, filter.bits());
        assertThat(filter.or(filter)).isEqualTo(filter);
        assertThat(BloomFilter.union(filter.bits(), List.of(filter))).isEqualTo(filter);
        filter.mightContain(PROBE);
        assertThat(filter.falsePositiveRate()).isBetween(0.0, 1.0);
    }
}
