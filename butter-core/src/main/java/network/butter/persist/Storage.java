package network.butter.persist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /**
     * Stores content read from a stream, to its end; this node becomes its owner. For content larger than memory:
     * an implementation that streams (Peer Content Groups does) holds only a few chunks at a time. The id is the one
     * {@link #put(byte[])} gives the same bytes. Blocks the calling thread, which must not be a node loop.
     *
     * <p>The default reads the whole stream into memory and calls {@link #put(byte[])}.
     *
     * @return the content's id, once every block's write quorum holds it
     * @throws IOException      if reading {@code content} fails
     * @throws StorageException as {@link #put(byte[])} fails
     */
    default ContentId putStream(InputStream content) throws IOException {
        return Streamed.await(put(content.readAllBytes()));
    }

    /**
     * Replaces content this node owns with what a stream yields, to its end, as {@link #update} does: for content
     * larger than memory, an implementation that streams (Peer Content Groups does) holds only a few chunks at a
     * time. The new id is the one {@link #put(byte[])} gives the same bytes. Blocks the calling thread, which must
     * not be a node loop.
     *
     * <p>The default reads the whole stream into memory and calls {@link #update}.
     *
     * @return the new content's id
     * @throws IOException      if reading {@code content} fails
     * @throws StorageException as {@link #update} fails
     */
    default ContentId updateStream(ContentId previous, InputStream content) throws IOException {
        return Streamed.await(update(previous, content.readAllBytes()));
    }

    /**
     * Reads content into a stream, in order, every chunk verified against its id before it is written; follows
     * updates. An implementation that streams (Peer Content Groups does) holds only a few chunks at a time, so
     * {@code options.maxContentBytes()} may exceed memory. Blocks the calling thread, which must not be a node loop.
     *
     * <p>The default calls {@link #get(ContentId, GetOptions)} and writes the result.
     *
     * @return how many bytes were written; after a failure, what was written so far stays written
     * @throws IOException      if writing to {@code out} fails
     * @throws StorageException as {@link #get(ContentId, GetOptions)} fails
     */
    default long getStream(ContentId id, OutputStream out, GetOptions options) throws IOException {
        byte[] content = Streamed.await(get(id, options));
        out.write(content);
        return content.length;
    }
}
