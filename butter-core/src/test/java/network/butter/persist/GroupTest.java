package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;

import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.store.OwnedBlock;
import org.junit.jupiter.api.Test;

class GroupTest {

    private static final PeerId OWNER = peer(1);
    private static final byte[] DATA = OwnedBlock.encode(OWNER.toBytes(), "a block".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final ContentId BLOCK = ContentId.of(DATA);

    private static PeerId peer(int n) {
        byte[] key = new byte[PeerId.LENGTH_BYTES];
        key[0] = (byte) n;
        return PeerId.fromBytes(key);
    }

    /** A stamp this test cannot sign for: its signature is no Ed25519 signature at all. */
    private static OwnerStamp stamp(byte signatureByte) {
        byte[] signature = new byte[OwnerStamp.SIGNATURE_BYTES];
        signature[0] = signatureByte;
        return new OwnerStamp(BLOCK, OWNER, signature);
    }

    private static Group groupOf(OwnerStamp stamp) {
        return new Group(stamp, DATA.length, peer(2), 3, PcgConfig.defaults(), 0);
    }

    @Test
    void shouldTakeACopyUnderTheGroupsOwnStampWithoutCheckingItsSignatureAgain() {
        Group group = groupOf(stamp((byte) 7));

        assertThat(group.isBlock(stamp((byte) 7), DATA)).as("the stamp this member took the block with").isTrue();
    }

    @Test
    void shouldCheckTheSignatureOfAnyOtherStamp() {
        Group group = groupOf(stamp((byte) 7));

        assertThat(group.isBlock(stamp((byte) 8), DATA)).as("another stamp, not the owner's signature").isFalse();
    }

    @Test
    void shouldRefuseOtherBytesEvenUnderTheGroupsOwnStamp() {
        Group group = groupOf(stamp((byte) 7));
        byte[] other = OwnedBlock.encode(OWNER.toBytes(), "another block".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(group.isBlock(stamp((byte) 7), other)).isFalse();
    }
}
