package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

/** The keys of a simulation follow from its seed alone, however far ahead the helper thread has made them. */
class IdentityMintTest {

    private static List<PeerId> ids(IdentityMint mint, int count) {
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(mint.next().peerId());
        }
        return ids;
    }

    @Test
    void shouldMakeTheSameKeysFromTheSameSeedAsTheirOwnSeededEntropyWould() {
        long seed = 41;
        int count = IdentityMint.MOST_AHEAD + 20; // past the most made ahead, so queued ones are taken too
        List<PeerId> first = ids(new IdentityMint(seed), count);
        List<PeerId> second = ids(new IdentityMint(seed), count);

        assertThat(second).as("seed %d", seed).isEqualTo(first);
        assertThat(first).doesNotHaveDuplicates();
        SplittableRandom seeds = new SplittableRandom(seed);
        assertThat(first.get(0)).isEqualTo(NodeIdentity.generate(new SeededEntropy(seeds.nextLong())).peerId());
        assertThat(first.get(1)).isEqualTo(NodeIdentity.generate(new SeededEntropy(seeds.nextLong())).peerId());
        assertThat(ids(new IdentityMint(seed + 1), 1)).doesNotContainAnyElementsOf(first);
    }

    @Test
    void shouldKeepTheLaterKeysWhenOneIsSkipped() {
        long seed = 43;
        List<PeerId> unskipped = ids(new IdentityMint(seed), 40);
        IdentityMint skipping = new IdentityMint(seed);
        List<PeerId> later = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i % 7 == 3) {
                skipping.skip();
                later.add(unskipped.get(i));
            } else {
                later.add(skipping.next().peerId());
            }
        }

        assertThat(later).as("seed %d", seed).isEqualTo(unskipped);
    }
}
