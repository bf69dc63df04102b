package network.butter.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored block that names its owner, so that its id commits to who may delete or supersede it.
 *
 * <pre>
 *  bytes = MAGIC (16) | owner key (32) | body
 *  id    = SHA-256( MAGIC | owner key | SHA-256(body) )
 * </pre>
 *
 * <p>Why two hashes: a reader that only holds the id can check a tombstone against it without the data. The
 * owner's tombstone carries {@code SHA-256(body)}; if {@code SHA-256(MAGIC | signer | bodyHash)} is the id, the
 * signer is the block's owner, whoever relayed the tombstone. A forged tombstone from anyone else cannot match,
 * so no peer but the owner can make a read of the block fail or send it to other content.
 *
 * <p>Content ids are still checked from the bytes alone ({@link ContentId#matches(byte[])}): bytes that start with
 * {@link #MAGIC} are hashed in this form, other bytes plainly.
 */
public final class OwnedBlock {

    /** Marks a block in this form; 16 bytes, so ordinary data never starts with it by chance. */
    public static final byte[] MAGIC = "butter/block/v1\n".getBytes(StandardCharsets.US_ASCII);
    /** Length of an owner's public key. */
    public static final int OWNER_BYTES = 32;
    /** Bytes before the body. */
    public static final int HEADER_BYTES = MAGIC.length + OWNER_BYTES;

    private OwnedBlock() {
    }

    /** The block's bytes: the header naming {@code owner}, then {@code body}. */
    public static byte[] encode(byte[] owner, byte[] body) {
        requireOwner(owner);
        byte[] bytes = new byte[HEADER_BYTES + body.length];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        System.arraycopy(owner, 0, bytes, MAGIC.length, OWNER_BYTES);
        System.arraycopy(body, 0, bytes, HEADER_BYTES, body.length);
        return bytes;
    }

    /** Whether {@code bytes} are in this form. */
    public static boolean isOwned(byte[] bytes) {
        return bytes.length >= HEADER_BYTES && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The owner key named by an owned block.
     *
     * @throws IllegalArgumentException if the bytes are not an owned block
     */
    public static byte[] owner(byte[] bytes) {
        requireOwned(bytes);
        return Arrays.copyOfRange(bytes, MAGIC.length, HEADER_BYTES);
    }

    /**
     * The body of an owned block (the data or manifest the owner stored).
     *
     * @throws IllegalArgumentException if the bytes are not an owned block
     */
    public static byte[] body(byte[] bytes) {
        requireOwned(bytes);
        return Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length);
    }

    /** SHA-256 of an owned block's body: what a tombstone carries to prove its signer owns the block. */
    public static byte[] bodyHash(byte[] bytes) {
        requireOwned(bytes);
        MessageDigest sha = sha256();
        sha.update(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
        return sha.digest();
    }

    /** The id of the block {@code owner} holds whose body hashes to {@code bodyHash}. */
    public static ContentId id(byte[] owner, byte[] bodyHash) {
        requireOwner(owner);
        Objects.requireNonNull(bodyHash, "bodyHash");
        if (bodyHash.length != ContentId.LENGTH_BYTES) {
            throw new IllegalArgumentException("a body hash is " + ContentId.LENGTH_BYTES + " bytes, got " + bodyHash.length);
        }
        MessageDigest sha = sha256();
        sha.update(MAGIC);
        sha.update(owner);
        sha.update(bodyHash);
        return ContentId.fromBytes(sha.digest());
    }

    /** The id of owned-block bytes (see the class comment). */
    static byte[] digest(byte[] bytes) {
        MessageDigest sha = sha256();
        sha.update(bytes, 0, HEADER_BYTES);
        byte[] bodyHash = bodyHash(bytes);
        sha.update(bodyHash);
        return sha.digest();
    }

    private static void requireOwned(byte[] bytes) {
        if (!isOwned(bytes)) {
            throw new IllegalArgumentException("not an owned block: it does not start with the owned-block magic");
        }
    }

    private static void requireOwner(byte[] owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.length != OWNER_BYTES) {
            throw new IllegalArgumentException("an owner key is " + OWNER_BYTES + " bytes, got " + owner.length);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
