package network.butter.node.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import network.butter.identity.NodeIdentity;
import org.junit.jupiter.api.Test;

class FastCurve25519Test {

    private static final byte[] DATA = "certificate verify".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void shouldComeFirstForEd25519AndXdhOnceANodeMadeItsTlsAndLeaveEverythingElseToTheJdk() throws Exception {
        SecureRandom entropy = new SecureRandom();
        NodeTls.create(NodeIdentity.generate(entropy), entropy, Instant.now());

        assertThat(Security.getProviders()[0].getName()).isEqualTo(FastCurve25519.NAME);
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        assertThat(signature.getProvider().getName()).isEqualTo(FastCurve25519.NAME);
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(KeyPairGenerator.getInstance("XDH").generateKeyPair().getPrivate());
        assertThat(agreement.getProvider().getName()).isEqualTo(FastCurve25519.NAME);
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isNotEqualTo(FastCurve25519.NAME);
        assertThat(MessageDigest.getInstance("SHA-256").getProvider().getName()).isNotEqualTo(FastCurve25519.NAME);
        assertThat(FastCurve25519.install()).isTrue();
        assertThat(Security.getProviders()).filteredOn(p -> p.getName().equals(FastCurve25519.NAME)).hasSize(1);
    }

    @Test
    void shouldSignAndAgreeKeysAsTheJdkDoesSoThatNodesWithoutItInteroperate() throws Exception {
        assertThat(FastCurve25519.install()).isTrue();
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
        Signature fast = Signature.getInstance("Ed25519", FastCurve25519.NAME);
        Signature jdk = Signature.getInstance("Ed25519", "SunEC");
        fast.initSign(keys.getPrivate());
        fast.update(DATA);
        byte[] fastSigned = fast.sign();
        jdk.initSign(keys.getPrivate());
        jdk.update(DATA);
        assertThat(fastSigned).isEqualTo(jdk.sign());
        jdk.initVerify(keys.getPublic());
        jdk.update(DATA);
        assertThat(jdk.verify(fastSigned)).isTrue();

        KeyPairGenerator jdkXdh = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdkXdh.initialize(NamedParameterSpec.X25519);
        KeyPairGenerator fastXdh = KeyPairGenerator.getInstance("XDH", FastCurve25519.NAME);
        fastXdh.initialize(NamedParameterSpec.X25519);
        KeyPair jdkSide = jdkXdh.generateKeyPair();
        KeyPair fastSide = fastXdh.generateKeyPair();
        KeyAgreement jdkAgreement = KeyAgreement.getInstance("XDH", "SunEC");
        jdkAgreement.init(jdkSide.getPrivate());
        jdkAgreement.doPhase(fastSide.getPublic(), true);
        KeyAgreement fastAgreement = KeyAgreement.getInstance("XDH", FastCurve25519.NAME);
        fastAgreement.init(fastSide.getPrivate());
        fastAgreement.doPhase(jdkSide.getPublic(), true);
        assertThat(fastAgreement.generateSecret()).isEqualTo(jdkAgreement.generateSecret());
    }
}
