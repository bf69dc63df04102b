package network.butter.examples.wiki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import network.butter.identity.IdentityStore;
import network.butter.identity.NodeIdentity;

/**
 * Who signs this wiki's edits: an Ed25519 key of the author's own, separate from the node's (the public node API
 * does not sign for applications, and an author may move to another node), and the name shown beside the edits.
 *
 * @param key  the author's key
 * @param name the name shown in page histories
 */
public record WikiAuthor(NodeIdentity key, String name) {

    /** The key's file name inside the data directory. */
    public static final String KEY_FILE = "wiki-author.key";

    /**
     * Checks the name.
     *
     * @throws IllegalArgumentException if the name is too long or has control characters
     */
    public WikiAuthor {
        PageRecord.checkAuthorName(name);
    }

    /** A fresh author with a key that lives as long as the process. */
    public static WikiAuthor ephemeral(String name) {
        return new WikiAuthor(NodeIdentity.generate(new SecureRandom()), name);
    }

    /**
     * The author whose key is kept in {@code dataDirectory}, created there the first time (readable by its owner
     * only), so that edits made across restarts carry the same key.
     *
     * @throws UncheckedIOException  if the key cannot be read or written
     * @throws IllegalStateException if the key file is corrupt (it is never overwritten)
     */
    public static WikiAuthor loadOrCreate(Path dataDirectory, String name) {
        Path file = dataDirectory.resolve(KEY_FILE);
        try {
            if (Files.exists(file)) {
                return new WikiAuthor(IdentityStore.load(file), name);
            }
            Files.createDirectories(dataDirectory);
            NodeIdentity key = NodeIdentity.generate(new SecureRandom());
            IdentityStore.save(key, file);
            return new WikiAuthor(key, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the wiki author's key in " + file, e);
        }
    }
}
