package network.butter.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import network.butter.identity.NodeIdentity;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Which certificate chains a node accepts from a peer, and the id each proves. */
class PeerCertificateTrustManagerTest {

    private static final SecureRandom ENTROPY = new SecureRandom();
    private final NodeIdentity identity = NodeIdentity.generate(ENTROPY);

    /** A certificate for {@code key}, signed with {@code signer} by the algorithm named. */
    private static X509Certificate certificate(PublicKey key, PrivateKey signer, String algorithm) throws Exception {
        X500Name subject = new X500Name("CN=test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
            Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3_600)), subject, key);
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    }

    @Test
    void shouldAcceptANodeCertificateAsProofOfItsPeerId() throws Exception {
        X509Certificate own = NodeCertificate.create(identity, ENTROPY, Instant.now());

        assertThat(PeerCertificateTrustManager.verify(new X509Certificate[] {own})).isEqualTo(identity.peerId());
        new PeerCertificateTrustManager().checkClientTrusted(new X509Certificate[] {own}, "UNKNOWN");
    }

    @Test
    void shouldRefuseACertificateOfThePeersKeySignedBySomeoneElse() throws Exception {
        NodeIdentity other = NodeIdentity.generate(ENTROPY);
        X509Certificate forged = certificate(identity.publicKey(), other.privateKey(), "Ed25519");
        X509Certificate[] chain = {forged};

        assertThatThrownBy(() -> PeerCertificateTrustManager.verify(chain)).isInstanceOf(CertificateException.class)
            .hasMessageContaining("not validly self-signed");
        assertThatThrownBy(() -> new PeerCertificateTrustManager().checkServerTrusted(chain, "UNKNOWN"))
            .isInstanceOf(CertificateException.class);
        assertThat(PeerCertificateTrustManager.idOf(chain)).as("the id of a chain the handshake checked already")
            .isEqualTo(identity.peerId());
    }

    @Test
    void shouldRefuseChainsOfAnotherFormWhetherCheckingSignaturesOrNot() throws Exception {
        X509Certificate own = NodeCertificate.create(identity, ENTROPY, Instant.now());
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair p256 = ec.generateKeyPair();
        X509Certificate notEd25519 = certificate(p256.getPublic(), p256.getPrivate(), "SHA256withECDSA");

        for (X509Certificate[] chain : new X509Certificate[][] {{}, {own, own}, {notEd25519}}) {
            assertThatThrownBy(() -> PeerCertificateTrustManager.verify(chain)).isInstanceOf(CertificateException.class);
            assertThatThrownBy(() -> PeerCertificateTrustManager.idOf(chain)).isInstanceOf(CertificateException.class);
        }
        assertThatThrownBy(() -> PeerCertificateTrustManager.idOf(null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> PeerCertificateTrustManager.idOf(new X509Certificate[] {notEd25519}))
            .hasMessageContaining("not Ed25519");
    }
}
