package network.butter.node.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import network.butter.identity.PeerId;

/**
 * Accepts exactly the certificates Butter nodes make: one self-signed certificate whose key is an Ed25519
 * key. That proves the peer holds the private key of a peer id; whether it is the peer id we wanted is
 * checked right after the handshake, against the id that was dialled.
 */
final class PeerCertificateTrustManager extends X509ExtendedTrustManager {

    /** Returns the peer id a certificate chain proves, or throws with the reason it proves none. */
    static PeerId verify(X509Certificate[] chain) throws CertificateException {
        PeerId id = idOf(chain);
        X509Certificate certificate = chain[0];
        try {
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the peer's certificate is not validly self-signed: " + e.getMessage(), e);
        }
        return id;
    }

    /**
     * The peer id of a chain of the form a Butter node presents (one certificate, an Ed25519 key), without checking its
     * signature again: for the chain of a session whose handshake this trust manager passed already. An Ed25519
     * verification is about a tenth of a handshake's CPU, and a replacing node makes a dozen connections.
     */
    static PeerId idOf(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("a Butter peer presents exactly one self-signed certificate, got "
                + (chain == null ? 0 : chain.length));
        }
        try {
            return PeerId.fromPublicKey(chain[0].getPublicKey());
        } catch (IllegalArgumentException e) {
            throw new CertificateException("the peer's certificate key is not Ed25519: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
