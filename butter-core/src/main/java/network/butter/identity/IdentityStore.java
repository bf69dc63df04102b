package network.butter.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a node's identity in its data directory, so a restarted node is the same peer.
 *
 * <p>The key lives in {@value #FILE_NAME}: a small text file with the PKCS#8 private key and the X.509 public
 * key in base64, readable by the owner only. It is written to a temporary file and renamed into place, so a
 * crash never leaves half a key behind.
 */
public final class IdentityStore {

    /** Name of the key file inside the data directory. */
    public static final String FILE_NAME = "node.key";

    private IdentityStore() {
    }

    /**
     * Loads the identity kept in {@code dataDirectory}, or generates one and keeps it there.
     *
     * @throws IllegalStateException if an existing key file is unreadable or corrupt (it is never overwritten)
     * @throws UncheckedIOException  if the directory cannot be created or written
     */
    public static NodeIdentity loadOrCreate(Path dataDirectory, SecureRandom entropy) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            Files.createDirectories(dataDirectory);
            NodeIdentity identity = NodeIdentity.generate(entropy);
            save(identity, file);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the node identity in " + file, e);
        }
    }

    /**
     * Loads an identity from a key file written by this class.
     *
     * @throws IllegalStateException naming the file and the problem if it is corrupt
     */
    public static NodeIdentity load(Path file) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        String privateText = fields.get("private");
        String publicText = fields.get("public");
        if (privateText == null || publicText == null) {
            throw new IllegalStateException("key file " + file + " is corrupt: it needs a 'private=' and a 'public=' line");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            KeyPair pair = new KeyPair(
                factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicText))),
                factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateText))));
            return NodeIdentity.of(pair);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("key file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** Writes the identity to {@code file} atomically, readable by the owner only where the OS allows. */
    public static void save(NodeIdentity identity, Path file) throws IOException {
        List<String> lines = List.of(
            "# Butter node identity of " + identity.peerId(),
            "# Keep this file private: whoever holds it can act as this node.",
            "public=" + Base64.getEncoder().encodeToString(identity.publicKey().getEncoded()),
            "private=" + Base64.getEncoder().encodeToString(identity.privateKey().getEncoded()));
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try {
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(temp, lines, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
