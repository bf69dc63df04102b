package network.butter.testbed.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;

class RankTest {

    @Test
    void shouldRankExactlyOneOfTwoMembersAboveTheOtherPerBlock() {
        PeerId first = NodeIdentity.generate(new SecureRandom()).peerId();
        PeerId second = NodeIdentity.generate(new SecureRandom()).peerId();
        ContentId block = ContentId.of(new byte[] {1});

        assertThat(Rank.outranks(block, first, second)).isNotEqualTo(Rank.outranks(block, second, first));
        assertThat(Rank.outranks(block, first, first)).isFalse();
    }

    @Test
    void shouldNotLetOneIdLeadEveryBlock() {
        PeerId first = NodeIdentity.generate(new SecureRandom()).peerId();
        PeerId second = NodeIdentity.generate(new SecureRandom()).peerId();
        int firstLeads = 0;
        for (int i = 0; i < 64; i++) {
            if (Rank.outranks(ContentId.of(new byte[] {(byte) i}), first, second)) {
                firstLeads++;
            }
        }

        assertThat(firstLeads).as("of 64 blocks").isBetween(8, 56);
    }
}
