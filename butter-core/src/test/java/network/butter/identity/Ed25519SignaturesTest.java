package network.butter.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Butter's Ed25519 must be the JDK's Ed25519, only faster: the same signatures, the same verdicts. */
class Ed25519SignaturesTest {

    private static final int TRIALS = 200;

    @Test
    void shouldSignExactlyAsTheJdkDoesAndAcceptOnlyWhatTheJdkAccepts() throws Exception {
        long seed = new SecureRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        SecureRandom keyEntropy = SecureRandom.getInstance("SHA1PRNG");
        keyEntropy.setSeed(seed);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", "SunEC");
        generator.initialize(255, keyEntropy);
        for (int trial = 0; trial < TRIALS; trial++) {
            KeyPair keys = generator.generateKeyPair();
            NodeIdentity identity = NodeIdentity.of(keys);
            byte[] data = new byte[random.nextInt(0, 300)];
            random.nextBytes(data);
            Signature jdk = Signature.getInstance("Ed25519", "SunEC");
            jdk.initSign(keys.getPrivate());
            jdk.update(data);
            byte[] expected = jdk.sign();
            assertThat(identity.sign(data)).as("signature, seed %d, trial %d", seed, trial).isEqualTo(expected);

            byte[] tampered = expected.clone();
            tampered[random.nextInt(tampered.length)] ^= (byte) (1 << random.nextInt(8));
            for (byte[] signature : new byte[][] {expected, tampered}) {
                jdk.initVerify(keys.getPublic());
                jdk.update(data);
                boolean jdkAccepts;
                try {
                    jdkAccepts = jdk.verify(signature);
                } catch (java.security.SignatureException e) {
                    jdkAccepts = false;
                }
                assertThat(identity.peerId().verify(data, signature))
                    .as("verdict, seed %d, trial %d", seed, trial).isEqualTo(jdkAccepts);
            }
        }
    }

    @Test
    void shouldGenerateTheKeyTheJdkGeneratesFromTheSameEntropySoSeededRunsKeepTheirIdentities() throws Exception {
        long seed = new SecureRandom().nextLong();
        for (int trial = 0; trial < 20; trial++) {
            SecureRandom forJdk = SecureRandom.getInstance("SHA1PRNG");
            forJdk.setSeed(seed + trial);
            SecureRandom forButter = SecureRandom.getInstance("SHA1PRNG");
            forButter.setSeed(seed + trial);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", "SunEC");
            generator.initialize(255, forJdk);
            KeyPair jdk = generator.generateKeyPair();
            NodeIdentity butter = NodeIdentity.generate(forButter);
            assertThat(butter.peerId()).as("seed %d", seed + trial).isEqualTo(PeerId.fromPublicKey(jdk.getPublic()));
            assertThat(butter.privateKey().getEncoded()).isEqualTo(jdk.getPrivate().getEncoded());
            assertThat(NodeIdentity.of(new KeyPair(butter.publicKey(), butter.privateKey())).peerId()).isEqualTo(butter.peerId());
        }
    }

    @Test
    void shouldRefuseMalformedSignaturesAndKeysWithoutError() {
        NodeIdentity identity = NodeIdentity.generate(new SecureRandom());
        byte[] data = {1, 2, 3};
        byte[] signature = identity.sign(data);
        assertThat(identity.peerId().verify(data, null)).isFalse();
        assertThat(identity.peerId().verify(data, new byte[Ed25519Signatures.SIGNATURE_BYTES + 1])).isFalse();
        assertThat(identity.peerId().verify(null, signature)).isFalse();
        // All-ones is no point on the curve: a key that does not decode checks nothing.
        byte[] notAPoint = new byte[PeerId.LENGTH_BYTES];
        java.util.Arrays.fill(notAPoint, (byte) 0xff);
        assertThat(PeerId.fromBytes(notAPoint).verify(data, signature)).isFalse();
    }

    @Test
    void shouldRefuseAPrivateKeyThatIsNotEd25519() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair edKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair mixed = new KeyPair(edKeys.getPublic(), ec.generateKeyPair().getPrivate());
        assertThatThrownBy(() -> NodeIdentity.of(mixed))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an Ed25519 private key");
    }
}
