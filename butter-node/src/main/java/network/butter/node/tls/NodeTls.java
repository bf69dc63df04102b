package network.butter.node.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;

/**
 * The TLS 1.3 contexts of one node: mutual authentication with each side's self-signed Ed25519 node
 * certificate, no certificate authorities, no host names. Who a connection is with is decided by the key,
 * see {@link #peerOf(SSLSession)}. Creating contexts installs {@link FastCurve25519} (the handshakes' curve
 * arithmetic, several times faster than the JDK's) unless the JVM is told not to.
 *
 * @param server the context for accepted connections (requires a client certificate)
 * @param client the context for dialled connections
 */
public record NodeTls(SslContext server, SslContext client) {

    /** The only protocol version spoken. */
    public static final String PROTOCOL = "TLSv1.3";

    /**
     * TLS sessions each context keeps for resumption. The JDK's default, 20,480 sessions for 24 hours per context,
     * let a node under churn keep the session of every peer it met in a day: about 1 KB each, so tens of MB for a
     * node meant to run in 64 MiB (measured in the real testbed: ~77 sessions per node after two minutes, three times
     * its open connections). A node keeps one connection per peer and its known hosts are bounded (64 by default),
     * so this many cover its reconnections.
     */
    public static final int SESSION_CACHE_ENTRIES = 128;

    /** How long a cached TLS session may be resumed, in seconds: past an hour a reconnection does the full handshake. */
    public static final long SESSION_TIMEOUT_SECONDS = 3_600;

    /**
     * Builds the contexts for a node.
     *
     * @param identity the node's keys
     * @param entropy  randomness for the certificate serial
     * @param now      the current time, for the certificate's validity start
     */
    public static NodeTls create(NodeIdentity identity, SecureRandom entropy, Instant now) {
        FastCurve25519.install();
        X509Certificate certificate = NodeCertificate.create(identity, entropy, now);
        PeerCertificateTrustManager trust = new PeerCertificateTrustManager();
        try {
            SslContext server = SslContextBuilder.forServer(identity.privateKey(), certificate)
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOL)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(trust)
                .sessionCacheSize(SESSION_CACHE_ENTRIES)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                .build();
            SslContext client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOL)
                .keyManager(identity.privateKey(), certificate)
                .trustManager(trust)
                .endpointIdentificationAlgorithm(null)
                .sessionCacheSize(SESSION_CACHE_ENTRIES)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                .build();
            return new NodeTls(server, client);
        } catch (SSLException e) {
            throw new IllegalStateException("this JDK cannot set up TLS 1.3 with Ed25519 certificates", e);
        }
    }

    /**
     * The peer id proven by a completed handshake of these contexts: their trust manager checked the peer's certificate
     * during the handshake (or the one the session resumes), so its signature is not checked again here.
     *
     * @throws SSLException if the session carries no certificate of the form a Butter node presents
     */
    public static PeerId peerOf(SSLSession session) throws SSLException {
        Certificate[] chain = session.getPeerCertificates();
        X509Certificate[] x509 = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof X509Certificate cert)) {
                throw new SSLException("the peer presented a non-X.509 certificate");
            }
            x509[i] = cert;
        }
        try {
            return PeerCertificateTrustManager.idOf(x509);
        } catch (CertificateException e) {
            throw new SSLException(e.getMessage(), e);
        }
    }
}
