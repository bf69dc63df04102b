package network.butter.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import network.butter.wire.ErrorCode;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;

/**
 * The list of chunks that make up a piece of content larger than one chunk. A manifest is itself stored as a
 * chunk and addressed by its hash, so the manifest's id names the whole content and verifies every part of it.
 *
 * <pre>
 *  magic "BTRM" | version u8 = 1 | totalBytes u64 | chunkBytes u32 | count u32 | count × chunk id (32 bytes)
 * </pre>
 *
 * <p>What a manifest declares is checked before anything is fetched or allocated: the chunk size is at most
 * {@link #MAX_CHUNK_BYTES} (a larger chunk could never travel in a frame), and the chunk count is exactly what the
 * total and the chunk size make, so the total can never exceed {@code count × chunkBytes}. The total is only a
 * claim until the chunks arrive: {@link Chunker#assemble} checks every chunk's size and their sum before it
 * allocates the content, and refuses content above the reader's limit.
 *
 * @param totalBytes the content's length, in bytes
 * @param chunkBytes the size of every chunk but the last, in bytes, 1 to {@link #MAX_CHUNK_BYTES}
 * @param chunks     the chunks' ids, in order
 */
public record Manifest(long totalBytes, int chunkBytes, List<ContentId> chunks) {

    /** "BTRM": tells a manifest from a data chunk. */
    public static final int MAGIC = 0x4254_524D;
    /** The largest chunk a manifest may declare: the largest frame any node accepts. */
    public static final int MAX_CHUNK_BYTES = FrameCodec.MAX_MAX_FRAME_BYTES;
    private static final int HEADER_BYTES = 4 + 1 + 8 + 4 + 4;

    /** Checks the parts are consistent. */
    public Manifest {
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        if (totalBytes < 0 || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("need totalBytes >= 0 and chunkBytes 1 to " + MAX_CHUNK_BYTES + ", got "
                + totalBytes + ", " + chunkBytes);
        }
        long expected = totalBytes == 0 ? 0 : (totalBytes + chunkBytes - 1) / chunkBytes;
        if (chunks.size() != expected) {
            throw new IllegalArgumentException(totalBytes + " bytes in chunks of " + chunkBytes + " make " + expected
                + " chunks, not " + chunks.size());
        }
    }

    /** The manifest's bytes, to be stored as a chunk. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + chunks.size() * ContentId.LENGTH_BYTES)
            .putInt(MAGIC).put((byte) 1).putLong(totalBytes).putInt(chunkBytes).putInt(chunks.size());
        chunks.forEach(id -> out.put(id.toBytes()));
        return out.array();
    }

    /** Whether {@code bytes} start like a manifest (the caller still decodes to be sure). */
    public static boolean looksLikeManifest(byte[] bytes) {
        return bytes.length >= HEADER_BYTES && ByteBuffer.wrap(bytes).getInt() == MAGIC;
    }

    /**
     * Reads a manifest.
     *
     * @throws WireFormatException saying what is wrong with it
     */
    public static Manifest decode(byte[] bytes) throws WireFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.getInt() != MAGIC) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "not a manifest");
            }
            int version = in.get() & 0xFF;
            if (version != 1) {
                throw new WireFormatException(ErrorCode.UNSUPPORTED_VERSION, "manifest version " + version);
            }
            long total = in.getLong();
            int chunkBytes = in.getInt();
            long count = in.getInt() & 0xFFFF_FFFFL;
            if (count * ContentId.LENGTH_BYTES != in.remaining()) {
                throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                    "manifest announces " + count + " chunks but carries " + in.remaining() + " bytes of ids");
            }
            List<ContentId> ids = new ArrayList<>((int) count);
            byte[] id = new byte[ContentId.LENGTH_BYTES];
            for (long i = 0; i < count; i++) {
                in.get(id);
                ids.add(ContentId.fromBytes(id));
            }
            return new Manifest(total, chunkBytes, ids);
        } catch (BufferUnderflowException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "truncated manifest");
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME, "inconsistent manifest: " + e.getMessage());
        }
    }
}
