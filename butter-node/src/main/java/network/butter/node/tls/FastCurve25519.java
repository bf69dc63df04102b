package network.butter.node.tls;

import java.security.Provider;
import java.security.Security;
import java.util.List;

/**
 * A JCA provider that puts BouncyCastle's Curve25519 arithmetic under the JDK's TLS: Ed25519 signatures (each
 * handshake signs once and checks three signatures per side: the certificates and the CertificateVerify messages)
 * and X25519 key agreement ("XDH", the key share of every TLS 1.3 handshake Butter makes).
 *
 * <p>Why: the JDK implements both on generic field arithmetic. Measured on a 2-core VM after warm-up, a full mutual
 * handshake between two nodes costs 3.6 ms of CPU with the JDK's arithmetic, 1.6 ms with this provider's Ed25519
 * and 1.3 ms with its X25519 too; a node under churn opens a dozen connections per peer that joins, so on a small
 * machine handshakes were the largest share of CPU. The algorithms and the bytes on the wire are the same (Ed25519
 * signing is deterministic), so nodes with and without it interoperate.
 *
 * <p>{@link NodeTls#create} installs it once per JVM, ahead of the JDK's providers, because the JDK's TLS asks the
 * JCA for these algorithms by name and takes the first provider that offers them; it offers nothing else, so every
 * other algorithm (AES-GCM for the records, hashes) stays with the JDK. Everything else in the JVM that asks the
 * JCA for Ed25519 or XDH gets it too: the same algorithms, faster. Set the system property
 * {@value #USE_JDK_PROPERTY} to {@code true} to keep the JDK's arithmetic.
 */
public final class FastCurve25519 extends Provider {

    /** The provider's name, as {@link Security#getProvider(String)} knows it. */
    public static final String NAME = "ButterCurve25519";
    /** System property that, set to {@code true}, stops {@link #install()} from installing the provider. */
    public static final String USE_JDK_PROPERTY = "butter.tls.jdkCurve25519";

    private static final String EDEC = "org.bouncycastle.jcajce.provider.asymmetric.edec.";
    /** The object identifier of Ed25519 (RFC 8410), as certificates name their signature algorithm. */
    private static final String ED25519_OID = "1.3.101.112";

    private FastCurve25519() {
        super(NAME, "1", "Ed25519 signatures and X25519 key agreement with BouncyCastle's arithmetic");
        putService(new Service(this, "Signature", "Ed25519", EDEC + "SignatureSpi$Ed25519",
            List.of(ED25519_OID, "OID." + ED25519_OID), null));
        putService(new Service(this, "KeyPairGenerator", "XDH", EDEC + "KeyPairGeneratorSpi$XDH", List.of(), null));
        putService(new Service(this, "KeyFactory", "XDH", EDEC + "KeyFactorySpi$XDH", List.of(), null));
        putService(new Service(this, "KeyAgreement", "XDH", EDEC + "KeyAgreementSpi$XDH", List.of(), null));
    }

    /**
     * Installs the provider ahead of all others, once per JVM; does nothing if it is installed already or the
     * system property {@value #USE_JDK_PROPERTY} is {@code true}.
     *
     * @return whether the provider is installed now
     */
    public static synchronized boolean install() {
        if (Security.getProvider(NAME) != null) {
            return true;
        }
        if (Boolean.getBoolean(USE_JDK_PROPERTY)) {
            return false;
        }
        Security.insertProviderAt(new FastCurve25519(), 1);
        return true;
    }
}
