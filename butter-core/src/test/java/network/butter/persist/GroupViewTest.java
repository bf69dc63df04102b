package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;

class GroupViewTest {

    private static final ContentId BLOCK = ContentId.of(new byte[] {42});
    private static final long TIMEOUT_MS = 1_000;

    private static PeerId id(int n) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) n;
        return PeerId.fromBytes(key);
    }

    private static GroupView view(int self) {
        return new GroupView(BLOCK, id(self), 3, TIMEOUT_MS);
    }

    @Test
    void shouldMoveFromColdToGoldilocksToHotAsMembersAreHeard() {
        GroupView group = view(5);
        assertThat(group.state(0)).isEqualTo(GroupState.COLD);
        assertThat(group.missing(0)).isEqualTo(2);
        group.heard(id(3), 0);
        group.heard(id(7), 0);
        assertThat(group.state(0)).isEqualTo(GroupState.GOLDILOCKS);
        group.heard(id(9), 0);
        assertThat(group.state(0)).isEqualTo(GroupState.HOT);
        assertThat(group.missing(0)).isZero();
    }

    @Test
    void shouldElectTheHighestLiveIdAndReElectWhenTheLeaderGoesSilent() {
        GroupView group = view(5);
        group.heard(id(3), 0);
        group.heard(id(9), 0);
        assertThat(group.leader(500)).isEqualTo(id(9));
        assertThat(group.isLeader(500)).isFalse();
        group.heard(id(3), 1_500);
        assertThat(group.leader(1_500)).as("9 silent for longer than the timeout").isEqualTo(id(5));
        assertThat(group.isLeader(1_500)).isTrue();
        assertThat(group.expire(1_500)).containsExactly(id(9));
        assertThat(group.state(1_500)).isEqualTo(GroupState.COLD);
    }

    @Test
    void shouldTrimAllButTheHighestIdsOfAHotGroupSoEveryMemberAgrees() {
        GroupView a = view(1);
        GroupView b = view(8);
        for (int member : new int[] {1, 4, 6, 8}) {
            a.heard(id(member), 0);
            b.heard(id(member), 0);
        }
        assertThat(a.surplus(0)).containsExactly(id(1));
        assertThat(b.surplus(0)).isEqualTo(a.surplus(0));
        assertThat(a.leader(0)).isEqualTo(b.leader(0)).isEqualTo(id(8));
    }

    @Test
    void shouldIgnoreHeartbeatsFromItselfAndForgetLeavers() {
        GroupView group = view(5);
        group.heard(id(5), 0);
        group.heard(id(6), 0);
        assertThat(group.knownMembers()).containsExactly(id(6));
        group.forget(id(6));
        assertThat(group.liveMembers(0)).containsExactly(id(5));
    }

    @Test
    void shouldBatchBeatsPerPeerAcrossGroups() {
        GroupView first = new GroupView(ContentId.of(new byte[] {1}), id(5), 3, TIMEOUT_MS);
        GroupView second = new GroupView(ContentId.of(new byte[] {2}), id(5), 3, TIMEOUT_MS);
        first.heard(id(6), 0);
        first.heard(id(7), 0);
        second.heard(id(6), 0);
        Map<PeerId, List<ContentId>> batches = Heartbeats.batches(List.of(first, second));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(id(6))).containsExactlyInAnyOrder(first.block(), second.block());
        assertThat(batches.get(id(7))).containsExactly(first.block());
    }

    @Test
    void shouldSpreadBeatsAroundTheIntervalWithPalpitations() {
        SplittableRandom random = new SplittableRandom(11);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1_000; i++) {
            long delay = Heartbeats.nextBeatDelayMs(2_000, 0.25, random);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isBetween(1_500L, 1_600L);
        assertThat(max).isBetween(2_400L, 2_500L);
        assertThat(Heartbeats.nextBeatDelayMs(2_000, 0, random)).isEqualTo(2_000);
    }

    @Test
    void shouldKnowAnIntroducedMemberButCountItLiveOnlyOnceHeardFromAndLetTheIntroductionLapse() {
        GroupView group = view(5);
        assertThat(group.introduce(id(9), 0)).isTrue();
        assertThat(group.introduce(id(9), 10)).as("already known").isFalse();
        assertThat(group.knows(id(9))).isTrue();
        assertThat(group.knownMembers()).containsExactly(id(9));
        assertThat(group.liveMembers(0)).containsExactly(id(5));
        assertThat(group.introducedCount()).isEqualTo(1);
        assertThat(group.isLeader(0)).as("hearsay does not lead").isTrue();

        group.heard(id(9), 500);
        assertThat(group.liveMembers(500)).containsExactly(id(5), id(9));
        assertThat(group.introducedCount()).isZero();

        group.introduce(id(7), 600);
        assertThat(group.expire(600 + TIMEOUT_MS + 1)).containsExactlyInAnyOrder(id(7), id(9));
        assertThat(group.knownMembers()).isEmpty();
    }
}
