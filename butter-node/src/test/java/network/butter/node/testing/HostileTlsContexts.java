package network.butter.node.testing;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLException;
import network.butter.identity.NodeIdentity;
import network.butter.node.tls.NodeTls;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS client contexts for peers a node must cope with: one holding a genuine Butter key of its own (it gets
 * past TLS and can then misbehave in the protocol), one presenting an ordinary EC P-256 certificate, and one
 * presenting no certificate at all. The last two must never get past a node's handshake.
 */
public final class HostileTlsContexts {

    private static final SecureRandom ENTROPY = new SecureRandom();

    private HostileTlsContexts() {
    }

    /** A client with a fresh, valid Butter identity: accepted by TLS, so it can send bad frames. */
    public static SslContext withFreshButterKey() {
        return NodeTls.create(NodeIdentity.generate(ENTROPY), ENTROPY, Instant.now()).client();
    }

    /** A client whose certificate is a self-signed EC P-256 one: valid X.509, but not a Butter node key. */
    public static SslContext withEcP256Certificate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), ENTROPY);
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=not a Butter node");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, ENTROPY).setBit(63), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
            X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return baseClient().keyManager(keys.getPrivate(), certificate).build();
        } catch (GeneralSecurityException | OperatorCreationException | SSLException e) {
            throw new IllegalStateException("cannot make an EC P-256 client certificate", e);
        }
    }

    /** A client that presents no certificate. */
    public static SslContext withoutCertificate() {
        try {
            return baseClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make a TLS client context", e);
        }
    }

    /** TLS 1.3 like a node, trusting any server: the point is what the node makes of this client. */
    private static SslContextBuilder baseClient() {
        return SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(NodeTls.PROTOCOL)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .endpointIdentificationAlgorithm(null);
    }
}
