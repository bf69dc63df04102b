package network.butter.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import network.butter.wire.WireFormatException;

/**
 * Splits content into content-addressed chunks and puts it back together, verifying every piece.
 *
 * <p>Every block is an {@link OwnedBlock} naming the content's owner, so every id commits to who may delete it.
 * Content that fits in one chunk is stored as that one block. Larger content becomes blocks of
 * {@link #chunkBytes()} bytes of content each plus a {@link Manifest} listing them; the manifest's block id is the
 * content's id. (A one-chunk content that happens to start with the manifest magic is stored behind a manifest
 * too, so the two can never be confused.)
 */
public final class Chunker {

    /** Default chunk size, 256 KiB: the same as {@code PcgConfig.DEFAULT_CHUNK_BYTES}, which says why. */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;
    /** The most bytes one piece of content can have here: the longest Java array. */
    public static final long MAX_CONTENT_BYTES = Integer.MAX_VALUE - 8;

    private final int chunkBytes;

    /** @param chunkBytes size of a chunk, in bytes (at least 64) */
    public Chunker(int chunkBytes) {
        if (chunkBytes < 64) {
            throw new IllegalArgumentException("chunkBytes must be at least 64, got " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    /** The chunk size, in bytes. */
    public int chunkBytes() {
        return chunkBytes;
    }

    /** Content cut into chunks: the id naming it, and every chunk (manifest included) by id, in order. */
    public record Split(ContentId id, Map<ContentId, byte[]> chunks) {
    }

    /**
     * Cuts {@code content} into blocks owned by {@code owner}.
     *
     * @param owner the owner's 32-byte public key, named in every block
     */
    public Split split(byte[] content, byte[] owner) {
        Map<ContentId, byte[]> chunks = new LinkedHashMap<>();
        if (content.length <= chunkBytes && !Manifest.looksLikeManifest(content)) {
            byte[] block = OwnedBlock.encode(owner, content);
            ContentId id = ContentId.of(block);
            chunks.put(id, block);
            return new Split(id, chunks);
        }
        List<ContentId> ids = new ArrayList<>();
        for (int offset = 0; offset < content.length; offset += chunkBytes) {
            byte[] chunk = OwnedBlock.encode(owner, Arrays.copyOfRange(content, offset, Math.min(content.length, offset + chunkBytes)));
            ContentId id = ContentId.of(chunk);
            ids.add(id);
            chunks.putIfAbsent(id, chunk);
        }
        byte[] manifest = OwnedBlock.encode(owner, new Manifest(content.length, chunkBytes, ids).encode());
        ContentId manifestId = ContentId.of(manifest);
        Map<ContentId, byte[]> withManifest = new LinkedHashMap<>();
        withManifest.put(manifestId, manifest);
        withManifest.putAll(chunks);
        return new Split(manifestId, withManifest);
    }

    /**
     * Puts content of up to {@link #MAX_CONTENT_BYTES} back together from its chunks (see
     * {@link #assemble(ContentId, Function, long)}).
     */
    public static byte[] assemble(ContentId id, Function<ContentId, byte[]> source) {
        return assemble(id, source, MAX_CONTENT_BYTES);
    }

    /**
     * Puts content back together from its chunks, checking every chunk against its id. A manifest's declared size is
     * only a claim, so nothing is allocated for it until every chunk is verified, each has the size the manifest
     * gives it and together they make the declared total.
     *
     * @param id       the content's id (a data chunk's or a manifest's)
     * @param source   where to read chunks; returns null for a chunk it does not have
     * @param maxBytes the largest content the caller accepts, in bytes
     * @return the content
     * @throws IllegalStateException naming the chunk that is missing, corrupt, of the wrong size or not a valid
     *                               manifest, or saying the content is larger than {@code maxBytes}
     */
    public static byte[] assemble(ContentId id, Function<ContentId, byte[]> source, long maxBytes) {
        byte[] top = body(verified(id, source));
        if (!Manifest.looksLikeManifest(top)) {
            return top;
        }
        Manifest manifest;
        try {
            manifest = Manifest.decode(top);
        } catch (WireFormatException e) {
            throw new IllegalStateException("chunk " + id + " looks like a manifest but is not one: " + e.getMessage(), e);
        }
        requireWithin(id, manifest, maxBytes);
        List<byte[]> chunks = new ArrayList<>(manifest.chunks().size());
        long offset = 0;
        for (ContentId chunkId : manifest.chunks()) {
            byte[] chunk = body(verified(chunkId, source));
            long expected = Math.min(manifest.chunkBytes(), manifest.totalBytes() - offset);
            if (chunk.length != expected) {
                throw new IllegalStateException("chunk " + chunkId + " of " + id + " has " + chunk.length
                    + " bytes, the manifest says " + expected);
            }
            chunks.add(chunk);
            offset += chunk.length;
        }
        if (offset != manifest.totalBytes()) {
            throw new IllegalStateException("the chunks of " + id + " make " + offset + " bytes, the manifest says "
                + manifest.totalBytes());
        }
        byte[] content = new byte[(int) offset];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, content, at, chunk.length);
            at += chunk.length;
        }
        return content;
    }

    /** What a block holds: an owned block's body, or plain bytes as they are. */
    public static byte[] body(byte[] block) {
        return OwnedBlock.isOwned(block) ? OwnedBlock.body(block) : block;
    }

    /**
     * Checks a manifest's declared size against the largest content the reader accepts, before any chunk is fetched.
     *
     * @throws IllegalStateException if the content is larger than {@code maxBytes} or than {@link #MAX_CONTENT_BYTES}
     */
    public static void requireWithin(ContentId id, Manifest manifest, long maxBytes) {
        long limit = Math.min(maxBytes, MAX_CONTENT_BYTES);
        if (manifest.totalBytes() > limit) {
            throw new IllegalStateException("content " + id + " declares " + manifest.totalBytes()
                + " bytes, more than this reader accepts (" + limit + " bytes)");
        }
    }

    private static byte[] verified(ContentId id, Function<ContentId, byte[]> source) {
        byte[] chunk = source.apply(id);
        if (chunk == null) {
            throw new IllegalStateException("chunk " + id + " is missing");
        }
        if (!id.matches(chunk)) {
            throw new IllegalStateException("chunk " + id + " is corrupt: its bytes do not hash to its id");
        }
        return chunk;
    }
}
