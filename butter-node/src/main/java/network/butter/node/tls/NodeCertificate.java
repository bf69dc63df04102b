package network.butter.node.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import network.butter.identity.NodeIdentity;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the self-signed X.509 certificate a node presents in TLS: its subject names the peer id and its key
 * <em>is</em> the node's Ed25519 key, so the handshake itself proves the peer id. There is no certificate
 * authority; trust comes from the peer id the dialler asked for.
 */
public final class NodeCertificate {

    // RFC 5280 §4.1.2.5: 99991231235959Z means "no well-defined expiration date".
    private static final Date NO_EXPIRY = Date.from(Instant.parse("9999-12-31T23:59:59Z"));

    private NodeCertificate() {
    }

    /**
     * Creates the node's certificate.
     *
     * @param identity the node's key pair
     * @param entropy  randomness for the serial number
     * @param now      the current time, for the start of validity (backdated a day for skewed clocks)
     */
    public static X509Certificate create(NodeIdentity identity, SecureRandom entropy, Instant now) {
        X500Name subject = new X500Name("CN=" + identity.peerId());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, entropy).setBit(63),
            Date.from(now.minus(1, ChronoUnit.DAYS)),
            NO_EXPIRY,
            subject,
            identity.publicKey());
        try {
            ContentSigner signer = new JcaContentSignerBuilder("Ed25519").build(identity.privateKey());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the node's TLS certificate", e);
        }
    }
}
