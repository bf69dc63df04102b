package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.retrieve.RetrieveMessages.Hit;
import network.butter.retrieve.RetrieveMessages.Summary;
import network.butter.store.ContentId;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class RetrieveMessagesTest {

    private static final ContentId BLOCK = ContentId.of("block".getBytes(StandardCharsets.UTF_8));
    private static final PeerAddress REQUESTER = new PeerAddress(PeerId.fromBytes(new byte[32]), "127.0.0.1", 7000);

    @Test
    void shouldCarryAQueryAndAHitUnchanged() throws WireFormatException {
        SearchQuery query = new SearchQuery(new QueryId(1, 2), BLOCK, REQUESTER, Informed.CODE, 10, 2);
        Hit hit = new Hit(query.id(), BLOCK, REQUESTER, List.of(REQUESTER));

        assertThat(RetrieveMessages.decodeQuery(RetrieveMessages.encodeQuery(query))).isEqualTo(query);
        assertThat(Hit.decode(hit.encode())).isEqualTo(hit);
        assertThat(query.forwarded().ttl()).isEqualTo(9);
    }

    @Test
    void shouldCarryASummaryOrSayItIsUnchanged() throws WireFormatException {
        Summary summary = new Summary(42, BloomFilter.of(1 << 10, List.of(BLOCK)), BloomFilter.empty(1 << 10));

        Summary back = RetrieveMessages.decodeSubscribeReply(RetrieveMessages.encodeSubscribeReply(summary));
        assertThat(back.version()).isEqualTo(42);
        assertThat(back.own().mightContain(BLOCK)).isTrue();
        assertThat(RetrieveMessages.decodeSubscribeReply(RetrieveMessages.encodeSubscribeReply(null))).isNull();
    }

    @Test
    void shouldRejectQueriesWithAnImpossibleTtlAndSummariesOfMixedSizes() {
        byte[] query = RetrieveMessages.encodeQuery(new SearchQuery(new QueryId(1, 2), BLOCK, REQUESTER, 0, 1, 0));
        query[query.length - 3] = 0;
        assertThatThrownBy(() -> RetrieveMessages.decodeQuery(query)).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("a TTL of 0");

        PayloadWriter mixed = new PayloadWriter(32).u64(1);
        BloomFilter.empty(1 << 10).write(mixed);
        BloomFilter.empty(1 << 11).write(mixed);
        assertThatThrownBy(() -> Summary.decode(mixed.toByteArray())).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("summaries of 1024 and 2048 bits");
    }

    @Test
    void shouldRefuseBadStrategySettingsWithClearErrors() {
        assertThatThrownBy(() -> SearchStrategy.bfs(0)).hasMessageContaining("TTL must be 1 to 32");
        assertThatThrownBy(() -> SearchStrategy.randomBfs(3, 0)).hasMessageContaining("fraction");
        assertThatThrownBy(() -> SearchStrategy.informed(5, 17)).hasMessageContaining("walkers must be 1 to 16");
        assertThatThrownBy(() -> RetrievalConfig.defaults().withSummaries(1000, 5_000, 60_000))
            .hasMessageContaining("power of two");
        assertThatThrownBy(() -> RetrievalConfig.defaults().withSummaries(1 << 16, 5_000, 1_000))
            .hasMessageContaining("not below the interval");
    }
}
