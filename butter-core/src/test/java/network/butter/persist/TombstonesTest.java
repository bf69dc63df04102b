package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.store.DiskWork;
import network.butter.store.MemoryChunkStore;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class TombstonesTest {

    private final PcgNode node = new PcgNode(PcgConfig.defaults(), new MemoryChunkStore(1 << 20), DiskWork.inline());
    private final GroupTable table = new GroupTable(node, peer -> false);

    private static PeerId owner(int n) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) n;
        return PeerId.fromBytes(key);
    }

    private static Tombstone tombstone(int owner, int block) {
        return new Tombstone(ContentId.of(new byte[] {(byte) owner, (byte) block, (byte) (block >> 8)}), owner(owner),
            new byte[32], null, new byte[64]);
    }

    @Test
    void shouldEvictOnlyTheFloodingOwnersOwnTombstonesWhenItPassesItsShare() {
        Tombstones tombstones = new Tombstones(node, table, 3, 100);
        Tombstone genuine = tombstone(1, 0);
        tombstones.remember(genuine);
        List<Tombstone> flood = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            flood.add(tombstone(2, i));
            tombstones.remember(flood.getLast());
        }
        assertThat(tombstones.get(genuine.block())).isEqualTo(genuine);
        assertThat(tombstones.size()).isEqualTo(4);
        assertThat(tombstones.get(flood.getLast().block())).as("the flooder's newest").isNotNull();
        assertThat(tombstones.get(flood.getFirst().block())).as("the flooder's oldest").isNull();
    }

    @Test
    void shouldMakeTheOwnerWithTheMostGiveWayWhenACrowdOfOwnersFillsTheTotal() {
        Tombstones tombstones = new Tombstones(node, table, 10, 20);
        Tombstone genuine = tombstone(1, 0);
        tombstones.remember(genuine);
        for (int sybil = 2; sybil < 12; sybil++) {
            for (int i = 0; i < 10; i++) {
                tombstones.remember(tombstone(sybil, i));
            }
        }
        assertThat(tombstones.size()).isEqualTo(20);
        assertThat(tombstones.get(genuine.block())).as("a crowd of owners never pushes out one with fewer").isEqualTo(genuine);
    }

    @Test
    void shouldRefuseAHeartbeatCarryingMoreTombstonesThanTheLimit() {
        PayloadWriter out = new PayloadWriter(64 * 200).u16(0).u16(0).u16(0).u16(PcgConfig.MAX_TOMBSTONES_PER_BEAT + 1);
        for (int i = 0; i <= PcgConfig.MAX_TOMBSTONES_PER_BEAT; i++) {
            tombstone(3, i).write(out);
        }
        assertThatThrownBy(() -> PcgMessages.Beat.decode(out.toByteArray())).isInstanceOf(WireFormatException.class);
    }
}
