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
        return new GroupView(BLOCK, id(self), 3, TIMEOUT_MS, 8, 0);
    }

    private static PeerId highestRanked(ContentId block, int... members) {
        PeerId best = null;
        for (int member : members) {
            if (best == null || java.util.Arrays.compareUnsigned(GroupView.rankOf(block, id(member)), GroupView.rankOf(block, best)) > 0) {
                best = id(member);
            }
        }
        return best;
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
    void shouldElectTheHighestRankedLiveMemberAndReElectWhenTheLeaderGoesSilent() {
        GroupView group = view(5);
        group.heard(id(3), 0);
        group.heard(id(9), 0);
        PeerId leader = highestRanked(BLOCK, 3, 5, 9);
        assertThat(group.leader(500)).isEqualTo(leader);
        assertThat(group.isLeader(500)).isEqualTo(leader.equals(id(5)));
        group.heard(id(3), 1_500);
        assertThat(group.leader(1_500)).as("9 silent for longer than the timeout").isEqualTo(highestRanked(BLOCK, 3, 5));
        assertThat(group.expire(1_500).keySet()).containsExactly(id(9));
        assertThat(group.state(1_500)).isEqualTo(GroupState.COLD);
    }

    @Test
    void shouldNotLetAnIdChosenToBeHighLeadEveryGroup() {
        byte[] top = new byte[PeerId.LENGTH_BYTES];
        java.util.Arrays.fill(top, (byte) 0xFF);
        PeerId chosen = PeerId.fromBytes(top);
        int led = 0;
        int groups = 1_000;
        for (int b = 0; b < groups; b++) {
            GroupView group = new GroupView(ContentId.of(new byte[] {(byte) b, (byte) (b >> 8)}), chosen, 3, TIMEOUT_MS, 8, 0);
            group.heard(id(1), 0);
            group.heard(id(2), 0);
            group.heard(id(3), 0);
            if (group.isLeader(0)) {
                led++;
            }
        }
        assertThat(led).as("groups led by the all-ones id among 4 members, of " + groups).isBetween(180, 320);
    }

    @Test
    void shouldTrimTheNewestMembersOfAHotGroupAndNeverTheLeader() {
        GroupView a = view(1);
        a.heard(id(4), 10);
        a.heard(id(6), 20);
        a.heard(id(8), 30);
        PeerId leader = a.leader(30);
        List<PeerId> surplus = a.surplus(30);
        assertThat(surplus).hasSize(1).doesNotContain(leader);
        PeerId expected = leader.equals(id(8)) ? id(6) : id(8);
        assertThat(surplus).containsExactly(expected);
    }

    @Test
    void shouldNotAdmitStrangersOnceTheViewIsFull() {
        GroupView group = view(100);
        for (int member = 1; member <= 8; member++) {
            assertThat(group.heard(id(member), 0)).isTrue();
        }
        assertThat(group.heard(id(50), 0)).as("a ninth stranger").isFalse();
        assertThat(group.introduce(id(51), 0)).isFalse();
        assertThat(group.knows(id(50))).isFalse();
        assertThat(group.heard(id(3), 10)).as("a member already known is still heard").isTrue();
    }

    @Test
    void shouldPlaceDeputiesByRankBelowTheLeader() {
        GroupView group = view(5);
        group.heard(id(3), 0);
        group.heard(id(9), 0);
        List<PeerId> live = group.liveMembers(0);
        assertThat(live.getLast()).isEqualTo(group.leader(0));
        assertThat(group.deputyPosition(0)).isEqualTo(live.size() - 1 - live.indexOf(id(5)));
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
        GroupView first = new GroupView(ContentId.of(new byte[] {1}), id(5), 3, TIMEOUT_MS, 8, 0);
        GroupView second = new GroupView(ContentId.of(new byte[] {2}), id(5), 3, TIMEOUT_MS, 8, 0);
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
        assertThat(group.isLive(id(9), 0)).isFalse();

        group.heard(id(9), 500);
        assertThat(group.liveMembers(500)).containsExactlyInAnyOrder(id(5), id(9));
        assertThat(group.introducedCount()).isZero();

        group.introduce(id(7), 600);
        assertThat(group.expire(600 + TIMEOUT_MS + 1).keySet()).containsExactlyInAnyOrder(id(7), id(9));
        assertThat(group.knownMembers()).isEmpty();
    }
}
