package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

class KnownHostGraphTest {

    private static PeerId id(int n) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) n;
        return PeerId.fromBytes(key);
    }

    @Test
    void shouldFollowLinksInEitherDirection() {
        Map<PeerId, List<PeerId>> knows = Map.of(id(1), List.of(id(2)), id(2), List.of(), id(3), List.of(id(2)));
        assertThat(KnownHostGraph.connected(List.of(id(1), id(2), id(3)), knows::get)).isTrue();
    }

    @Test
    void shouldSeeAnIsolatedNode() {
        Map<PeerId, List<PeerId>> knows = Map.of(id(1), List.of(id(2)), id(2), List.of(id(1)), id(3), List.of());
        assertThat(KnownHostGraph.connected(List.of(id(1), id(2), id(3)), knows::get)).isFalse();
        assertThat(KnownHostGraph.connected(List.of(), knows::get)).isTrue();
    }
}
