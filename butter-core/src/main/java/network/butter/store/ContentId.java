package network.butter.store;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import network.butter.wire.Base64Url32;

/**
 * The address of a chunk or manifest: the SHA-256 of its bytes, or for an {@link OwnedBlock} the hash that also
 * commits to its owner. Whoever holds bytes can check them against their id, so data fetched from any peer is
 * verified on receipt. The text form is 43 characters of unpadded base64url.
 */
public final class ContentId implements Comparable<ContentId> {

    /** Length of a SHA-256 digest, in bytes. */
    public static final int LENGTH_BYTES = 32;

    private final byte[] digest;
    private final int hash;

    private ContentId(byte[] digest) {
        this.digest = digest;
        this.hash = Arrays.hashCode(digest);
    }

    /** The id of {@code content}: its SHA-256, or the owner-binding hash if it is an {@link OwnedBlock}. */
    public static ContentId of(byte[] content) {
        return new ContentId(digest(content));
    }

    /**
     * Wraps a 32-byte digest.
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public static ContentId fromBytes(byte[] digest) {
        if (digest == null || digest.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a content id is a " + LENGTH_BYTES + "-byte SHA-256, got "
                + (digest == null ? "null" : digest.length + " bytes"));
        }
        return new ContentId(digest.clone());
    }

    /**
     * Parses the text form produced by {@link #toString()}.
     *
     * @throws IllegalArgumentException saying why the text is not a content id
     */
    public static ContentId parse(String text) {
        return new ContentId(Base64Url32.decode(text, "content id"));
    }


    /** Whether {@code content} is what this id addresses. */
    public boolean matches(byte[] content) {
        return MessageDigest.isEqual(digest, digest(content));
    }

    /** The digest (a copy). */
    public byte[] toBytes() {
        return digest.clone();
    }

    /** The digest in lowercase hex, e.g. for file names. */
    public String toHex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public int compareTo(ContentId other) {
        return Arrays.compareUnsigned(digest, other.digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentId other && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** 43 characters of unpadded base64url. */
    @Override
    public String toString() {
        return Base64Url32.encode(digest);
    }

    private static byte[] digest(byte[] content) {
        return OwnedBlock.isOwned(content) ? OwnedBlock.digest(content) : OwnedBlock.sha256().digest(content);
    }
}
