package network.butter.testbed.attack;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * A member's rank in a block's group as docs/PROTOCOL.md defines the leader ({@code SHA-256(block id | peer id)},
 * compared unsigned), so that attacks can tell a trim the storage must refuse (from a sender the receiver outranks)
 * from one it may obey.
 */
final class Rank {

    private Rank() {
    }

    /** Whether {@code member} ranks above {@code other} in the group of {@code block}. */
    static boolean outranks(ContentId block, PeerId member, PeerId other) {
        return Arrays.compareUnsigned(of(block, member), of(block, other)) > 0;
    }

    private static byte[] of(ContentId block, PeerId member) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(block.toBytes());
            sha.update(member.toBytes());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
