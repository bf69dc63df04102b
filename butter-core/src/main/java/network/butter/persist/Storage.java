package network.butter.persist;

import java.util.concurrent.CompletableFuture;
import network.butter.store.ContentId;

/**
 * Persistent storage on the Butter network: content put here outlives the node that put it, kept by small
 * replicated Peer Content Groups that repair themselves as members come and go.
 *
 * <p>Content is immutable and named by its {@link ContentId} (the SHA-256 of the content, or of its manifest when
 * it spans several chunks), so whatever is read is verified against its name. The node that puts content owns
 * it: only its signature can delete the content or supersede it with an update.
 *
 * <p>Every method may be called from any thread and returns at once; futures complete when the network has
 * answered, and their callbacks never run on the node loop. Failures are {@link StorageException}s.
 */
public interface Storage {

    /**
     * Stores content; this node becomes its owner.
     *
     * @return its id, once at least the write quorum of members of every block's group hold the block; fails with
     *         {@link StorageException.InsufficientReplicasException} if the network could not take enough copies,
     *         or {@link StorageException.MutationRejectedException} if this content was deleted before
     */
    CompletableFuture<ContentId> put(byte[] content);

    /**
     * Reads content, verifying every block against its id and fetching a block again from another member if a
     * copy is corrupt. Content its owner replaced with {@link #update} is followed to its successor.
     *
     * @return the content; fails with {@link StorageException.ContentNotFoundException} or
     *         {@link StorageException.ContentDeletedException}
     */
    default CompletableFuture<byte[]> get(ContentId id) {
        return get(id, GetOptions.defaults());
    }

    /**
     * Reads content as {@link #get(ContentId)} does, with a chosen search strategy and progress reports: large
     * content comes manifest first, then its chunks in parallel from the different members of their groups.
     */
    CompletableFuture<byte[]> get(ContentId id, GetOptions options);

    /**
     * Replaces content this node owns: stores {@code content} and leaves a signed pointer from the old id to the
     * new one, so readers of the old id get the new content.
     *
     * @return the new content's id; fails with {@link StorageException.MutationRejectedException} if this node
     *         does not own {@code previous}
     */
    CompletableFuture<ContentId> update(ContentId previous, byte[] content);

    /**
     * Deletes content this node owns, everywhere: every member drops its copy and keeps a signed tombstone, so
     * the content cannot come back (not even by putting it again).
     *
     * @return completes once the members that could be reached have applied the deletion; fails with
     *         {@link StorageException.MutationRejectedException} if this node does not own it
     */
    CompletableFuture<Void> delete(ContentId id);
}
