package network.butter.env;

/**
 * Signs data with the node's private key, which never leaves the node: protocols use it to prove the node's
 * authorship of what outlives a connection (for example, ownership of stored content, so that only the owner
 * may delete it). Ed25519 signatures are deterministic, so simulated runs stay reproducible.
 */
@FunctionalInterface
public interface Signer {

    /** The node's Ed25519 signature (64 bytes) of {@code data}. */
    byte[] sign(byte[] data);
}
