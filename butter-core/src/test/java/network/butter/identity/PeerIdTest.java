package network.butter.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerIdTest {

    private final NodeIdentity identity = NodeIdentity.generate(new SecureRandom());

    @Test
    void shouldRoundTripThroughTextForm() {
        PeerId id = identity.peerId();
        assertThat(id.toString()).hasSize(PeerId.TEXT_LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(PeerId.parse(id.toString())).isEqualTo(id).hasSameHashCodeAs(id);
        assertThat(PeerId.fromBytes(id.toBytes())).isEqualTo(id);
        assertThat(PeerId.fromPublicKey(id.toPublicKey())).isEqualTo(id);
    }

    @Test
    void shouldExplainWhyTextIsNotAPeerId() {
        assertThatThrownBy(() -> PeerId.parse("short")).hasMessageContaining("43 base64url characters");
        assertThatThrownBy(() -> PeerId.parse("!".repeat(43))).hasMessageContaining("base64url");
        String canonical = PeerId.fromBytes(new byte[32]).toString();
        assertThat(canonical).endsWith("A");
        // The last character carries 2 unused bits; 'B' sets one of them, so it names the same key non-canonically.
        assertThatThrownBy(() -> PeerId.parse(canonical.substring(0, 42) + "B")).hasMessageContaining("canonical");
    }

    @Test
    void shouldRejectKeysThatAreNotEd25519() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertThatThrownBy(() -> PeerId.fromPublicKey(ec.generateKeyPair().getPublic()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an Ed25519");
        assertThatThrownBy(() -> PeerId.fromBytes(new byte[31])).hasMessageContaining("32-byte");
    }

    @Test
    void shouldVerifyOnlyItsOwnSignatures() {
        byte[] data = "update item 7".getBytes(StandardCharsets.UTF_8);
        byte[] signature = identity.sign(data);
        assertThat(identity.peerId().verify(data, signature)).isTrue();
        assertThat(identity.peerId().verify("update item 8".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(NodeIdentity.generate(new SecureRandom()).peerId().verify(data, signature)).isFalse();
        assertThat(identity.peerId().verify(data, new byte[3])).isFalse();
    }

    @Test
    void shouldOrderByUnsignedBytes() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80;
        assertThat(PeerId.fromBytes(low)).isLessThan(PeerId.fromBytes(high));
    }

    @Test
    void shouldCompareEqualAndHashExactlyAsItsBytesDoWhereverTheyDiffer() {
        long seed = 29;
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] a = new byte[32];
            random.nextBytes(a);
            byte[] b = a.clone();
            if (trial % 4 != 0) {
                b[random.nextInt(32)] = (byte) random.nextInt(256); // one byte apart, in any of the four words
            }
            PeerId first = PeerId.fromBytes(a);
            PeerId second = PeerId.fromBytes(b);
            assertThat(Integer.signum(first.compareTo(second))).as("seed %d trial %d", seed, trial)
                .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
            assertThat(first.equals(second)).as("seed %d trial %d", seed, trial).isEqualTo(Arrays.equals(a, b));
            assertThat(first.hashCode()).isEqualTo(Arrays.hashCode(a));
            assertThat(first.toBytes()).isEqualTo(a);
        }
    }

    @Test
    void shouldNotChangeWhenTheArrayItWasMadeFromChanges() {
        byte[] key = new byte[32];
        PeerId id = PeerId.fromBytes(key);
        key[31] = 1;
        assertThat(id.toBytes()).isEqualTo(new byte[32]);
    }

    @Test
    void shouldKeepPrivateKeyOutOfToString() {
        assertThat(identity.toString()).isEqualTo("NodeIdentity[" + identity.peerId() + "]");
    }
}
