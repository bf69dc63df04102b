package network.butter.identity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import network.butter.wire.Base64Url32;

/**
 * The identity of a node on the Butter network: its Ed25519 public key.
 *
 * <p>The id <em>is</em> the 32-byte public key rather than a hash of it, so anyone holding a peer id can
 * verify that peer's signatures (owner-signed updates, TLS certificates) without a lookup. The text form is
 * the key in unpadded base64url: 43 characters, safe in URLs, file names and {@code id@host:port}
 * addresses, and it round-trips through {@link #parse(String)}.
 *
 * <p>Ids are totally ordered by their unsigned bytes; protocols use that order for deterministic tie-breaks
 * (e.g. the group leader is the highest live id).
 */
public final class PeerId implements Comparable<PeerId> {

    /** Length of an Ed25519 public key and therefore of a peer id, in bytes. */
    public static final int LENGTH_BYTES = 32;
    /** Length of the text form, in characters. */
    public static final int TEXT_LENGTH = Base64Url32.TEXT_LENGTH;

    // DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410); the raw key follows it.
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // The key as four big-endian longs, held in the object itself: ids are compared in every map lookup of a
    // protocol, and a separate array was one more cache miss per comparison (and 16 bytes more per id) in a large
    // simulation. Unsigned comparison of the longs in order is the unsigned order of the bytes.
    private final long key0;
    private final long key1;
    private final long key2;
    private final long key3;
    private final int hash;

    private PeerId(byte[] key) {
        this.key0 = (long) LONGS.get(key, 0);
        this.key1 = (long) LONGS.get(key, 8);
        this.key2 = (long) LONGS.get(key, 16);
        this.key3 = (long) LONGS.get(key, 24);
        this.hash = Arrays.hashCode(key);
    }

    /**
     * Wraps a raw 32-byte Ed25519 public key.
     *
     * @throws IllegalArgumentException if the array is not 32 bytes long
     */
    public static PeerId fromBytes(byte[] rawKey) {
        if (rawKey == null || rawKey.length != LENGTH_BYTES) {
            throw new IllegalArgumentException("a peer id is a " + LENGTH_BYTES + "-byte Ed25519 public key, got "
                + (rawKey == null ? "null" : rawKey.length + " bytes"));
        }
        return new PeerId(rawKey);
    }

    /**
     * Derives the peer id of an Ed25519 public key.
     *
     * @throws IllegalArgumentException if the key is not an Ed25519 key
     */
    public static PeerId fromPublicKey(PublicKey publicKey) {
        byte[] encoded = publicKey.getEncoded();
        if (!"Ed25519".equals(publicKey.getAlgorithm()) && !"EdDSA".equals(publicKey.getAlgorithm())
            || encoded == null || encoded.length != X509_PREFIX.length + LENGTH_BYTES
            || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + publicKey.getAlgorithm());
        }
        return new PeerId(Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length));
    }

    /**
     * Parses the text form produced by {@link #toString()}.
     *
     * @throws IllegalArgumentException with the reason if the text is not a peer id
     */
    public static PeerId parse(String text) {
        return new PeerId(Base64Url32.decode(text, "peer id"));
    }


    /** The raw 32-byte public key (a copy). */
    public byte[] toBytes() {
        byte[] key = new byte[LENGTH_BYTES];
        writeKey(key, 0);
        return key;
    }

    /** Writes the 32 key bytes into {@code target} from {@code offset} on. */
    private void writeKey(byte[] target, int offset) {
        LONGS.set(target, offset, key0);
        LONGS.set(target, offset + 8, key1);
        LONGS.set(target, offset + 16, key2);
        LONGS.set(target, offset + 24, key3);
    }

    /** The public key as a JCA key, for verifying signatures and certificates. */
    public PublicKey toPublicKey() {
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + LENGTH_BYTES);
        writeKey(encoded, X509_PREFIX.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot decode Ed25519 keys", e);
        }
    }

    /**
     * Checks an Ed25519 signature made by this peer.
     *
     * @return true only if {@code signature} is this peer's valid signature of {@code data}
     */
    public boolean verify(byte[] data, byte[] signature) {
        return Ed25519Signatures.verify(toBytes(), data, signature);
    }

    /** The first 8 characters of the text form: enough to tell peers apart in logs. */
    public String shortForm() {
        return toString().substring(0, 8);
    }

    @Override
    public int compareTo(PeerId other) {
        int order = Long.compareUnsigned(key0, other.key0);
        if (order == 0) {
            order = Long.compareUnsigned(key1, other.key1);
        }
        if (order == 0) {
            order = Long.compareUnsigned(key2, other.key2);
        }
        return order != 0 ? order : Long.compareUnsigned(key3, other.key3);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof PeerId other && hash == other.hash && key0 == other.key0
            && key1 == other.key1 && key2 == other.key2 && key3 == other.key3;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The canonical text form: 43 characters of unpadded base64url. */
    @Override
    public String toString() {
        return Base64Url32.encode(toBytes());
    }
}
