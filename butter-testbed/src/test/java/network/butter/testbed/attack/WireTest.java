package network.butter.testbed.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import network.butter.identity.NodeIdentity;
import network.butter.persist.Tombstone;
import network.butter.store.ContentId;
import network.butter.store.OwnedBlock;
import org.junit.jupiter.api.Test;

/** The attacks' hand-made payloads follow the storage formats of docs/PROTOCOL.md ("Storage"). */
class WireTest {

    private final NodeIdentity attacker = NodeIdentity.generate(new SecureRandom());
    private final NodeIdentity victim = NodeIdentity.generate(new SecureRandom());

    @Test
    void shouldForgeATombstoneThatNamesTheVictimsBlockButCannotBeValid() {
        byte[] victimBlock = OwnedBlock.encode(victim.peerId().toBytes(), new byte[] {1, 2, 3});
        ContentId block = ContentId.of(victimBlock);

        Tombstone forged = Wire.forgedTombstone(block, attacker.peerId(), new byte[ContentId.LENGTH_BYTES], null,
            attacker::sign);

        assertThat(forged.block()).isEqualTo(block);
        assertThat(forged.owner()).isEqualTo(attacker.peerId());
        assertThat(forged.valid()).as("the id commits to the victim, not the attacker").isFalse();
    }

    @Test
    void shouldSignTheSameBytesAsTheOwnerWouldForAnOwnedBlock() {
        byte[] own = OwnedBlock.encode(attacker.peerId().toBytes(), new byte[] {4, 5});
        Tombstone real = Tombstone.sign(own, attacker.peerId(), null, attacker::sign);

        Tombstone handMade = Wire.forgedTombstone(real.block(), attacker.peerId(), real.bodyHash(), null, attacker::sign);

        assertThat(handMade.valid()).as("the forgery differs from a valid tombstone only in what the id commits to")
            .isTrue();
    }

    @Test
    void shouldMakeValidTombstonesOfJunkBlocksTheAttackerOwns() {
        Tombstone junk = Wire.ownJunkTombstone(attacker.peerId(), new SplittableRandom(1), attacker::sign);

        assertThat(junk.valid()).isTrue();
        assertThat(junk.owner()).isEqualTo(attacker.peerId());
    }

    @Test
    void shouldWriteATrimWithoutAReplicationFactorAndABeatEndingWithNoChallengeAndNoProof() {
        ContentId block = ContentId.of(new byte[] {9});

        assertThat(Wire.trim(block, List.of())).hasSize(ContentId.LENGTH_BYTES + 2);
        byte[] beat = Wire.beat(Map.of(), List.of());
        assertThat(beat).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
