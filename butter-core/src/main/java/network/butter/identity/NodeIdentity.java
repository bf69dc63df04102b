package network.butter.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Objects;

/**
 * A node's Ed25519 key pair and the {@link PeerId} derived from it.
 *
 * <p>The private key signs TLS handshakes and owner mutations; it never leaves the node. Create one with
 * {@link #generate(SecureRandom)} or load a persistent one with {@link IdentityStore}.
 */
public final class NodeIdentity {

    private final KeyPair keyPair;
    private final PeerId peerId;
    private final byte[] seed;
    private final byte[] publicKeyBytes;

    private NodeIdentity(KeyPair keyPair) {
        this.keyPair = keyPair;
        this.peerId = PeerId.fromPublicKey(keyPair.getPublic());
        this.seed = seedOf(keyPair.getPrivate());
        this.publicKeyBytes = peerId.toBytes();
    }

    /** The 32-byte seed of an Ed25519 private key: what RFC 8032 signs with. */
    private static byte[] seedOf(PrivateKey key) {
        if (key instanceof EdECPrivateKey edKey && edKey.getParams().getName().equalsIgnoreCase("Ed25519")) {
            byte[] bytes = edKey.getBytes().orElse(null);
            if (bytes != null && bytes.length == Ed25519Signatures.SEED_BYTES) {
                return bytes;
            }
        }
        throw new IllegalArgumentException("not an Ed25519 private key whose bytes can be read: " + key.getAlgorithm());
    }

    /**
     * Wraps an existing Ed25519 key pair after checking that its halves belong together.
     *
     * @throws IllegalArgumentException if the keys are not Ed25519 or do not match
     */
    public static NodeIdentity of(KeyPair keyPair) {
        Objects.requireNonNull(keyPair, "keyPair");
        NodeIdentity identity = new NodeIdentity(keyPair);
        byte[] probe = "butter-identity-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!identity.peerId.verify(probe, identity.sign(probe))) {
            throw new IllegalArgumentException("the private key does not match the public key");
        }
        return identity;
    }

    /**
     * Generates a fresh identity.
     *
     * @param entropy the randomness for the key; a strong {@link SecureRandom} on a real node, a seeded one in
     *                the simulator so runs repeat
     */
    public static NodeIdentity generate(SecureRandom entropy) {
        // As the JDK's generator does: the private key is 32 bytes drawn from the entropy, so a seeded source gives
        // the same identity either way; the public key is derived with the faster arithmetic of Ed25519Signatures.
        byte[] seed = new byte[Ed25519Signatures.SEED_BYTES];
        entropy.nextBytes(seed);
        PeerId id = PeerId.fromBytes(Ed25519Signatures.publicKeyOf(seed));
        try {
            PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            return new NodeIdentity(new KeyPair(id.toPublicKey(), privateKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
        }
    }

    /** This node's peer id. */
    public PeerId peerId() {
        return peerId;
    }

    /** The public half of the key. */
    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** The private half of the key, for the TLS layer; never send it anywhere. */
    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** Signs {@code data} with this node's key (Ed25519, 64-byte signature). */
    public byte[] sign(byte[] data) {
        return Ed25519Signatures.sign(seed, publicKeyBytes, data);
    }

    /** Shows the peer id only; the private key never appears in logs. */
    @Override
    public String toString() {
        return "NodeIdentity[" + peerId + "]";
    }
}
