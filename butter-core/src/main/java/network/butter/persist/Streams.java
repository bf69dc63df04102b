package network.butter.persist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import network.butter.store.Manifest;
import network.butter.store.OwnedBlock;
import network.butter.wire.WireFormatException;

/**
 * Content as streams, for content larger than memory: a put reads a chunk at a time and a get writes a chunk at a
 * time, with at most {@link PeerContentGroups#BLOCKS_IN_FLIGHT} chunks held at once, so a node with a small memory
 * budget can store and serve a file many times its size. The blocks, and so the ids, are exactly those of the
 * byte-array {@link Storage#put} and {@link Storage#get}.
 *
 * <p>Both block the calling thread (never the node loop) while the network works; the loop does the protocol work.
 */
final class Streams {

    private final PcgNode node;
    private final Puts puts;
    private final BlockReads reads;

    Streams(PcgNode node, Puts puts, BlockReads reads) {
        this.node = node;
        this.puts = puts;
        this.reads = reads;
    }

    /** Reads {@code in} to its end and stores it; returns the content id. */
    ContentId put(InputStream in) throws IOException {
        requireOffLoop();
        int chunkBytes = node.config.chunkBytes();
        byte[] owner = node.self.toBytes();
        Puts.ContentPut stream = onLoop(() -> CompletableFuture.completedFuture(puts.startStream()));
        byte[] first = in.readNBytes(chunkBytes);
        byte[] second = in.readNBytes(chunkBytes);
        if (second.length == 0 && !Manifest.looksLikeManifest(first)) {
            byte[] block = OwnedBlock.encode(owner, first);
            ContentId id = ContentId.of(block);
            new BlockPut(id, block, stream).await();
            return id;
        }
        List<ContentId> ids = new ArrayList<>();
        Deque<BlockPut> inFlight = new ArrayDeque<>();
        long total = 0;
        byte[] body = first;
        byte[] lookahead = second;
        while (body.length > 0) {
            total += body.length;
            if (total > Chunker.MAX_CONTENT_BYTES) {
                throw new StorageException(null, "content longer than " + Chunker.MAX_CONTENT_BYTES + " bytes");
            }
            byte[] block = OwnedBlock.encode(owner, body);
            ContentId id = ContentId.of(block);
            ids.add(id);
            inFlight.add(new BlockPut(id, block, stream));
            if (inFlight.size() >= PeerContentGroups.BLOCKS_IN_FLIGHT) {
                inFlight.poll().await();
            }
            body = lookahead;
            lookahead = body.length == 0 ? body : in.readNBytes(chunkBytes);
        }
        while (!inFlight.isEmpty()) {
            inFlight.poll().await();
        }
        byte[] manifest = OwnedBlock.encode(owner, new Manifest(total, chunkBytes, ids).encode());
        ContentId id = ContentId.of(manifest);
        new BlockPut(id, manifest, stream).await();
        return id;
    }

    /**
     * Stores {@code in} as the next version of {@code previous}: reads the current version's root block, lets
     * {@code requireOwned} refuse it (only the owner may update), streams the new content in as {@link #put} does,
     * then has {@code supersede} leave the signed pointer from the old id to the new one (on the loop).
     */
    ContentId update(ContentId previous, InputStream in, Consumer<BlockReads.Found> requireOwned,
                     BiFunction<BlockReads.Found, ContentId, CompletableFuture<Void>> supersede) throws IOException {
        requireOffLoop();
        BlockReads.Found found = onLoop(() -> reads.fetchBlock(previous, List.of(), null));
        requireOwned.accept(found);
        ContentId next = put(in);
        if (!next.equals(previous)) {
            onLoop(() -> supersede.apply(found, next));
        }
        return next;
    }

    /** One block of a streamed put in flight (tried again on the loop as {@link Puts.ContentPut} says). */
    private final class BlockPut {
        private final CompletableFuture<Void> attempt;

        BlockPut(ContentId id, byte[] block, Puts.ContentPut stream) {
            this.attempt = submit(() -> stream.putBlock(id, block));
        }

        void await() {
            Streams.await(attempt);
        }
    }

    /**
     * Writes content to {@code out} in order, each chunk verified against its id before it is written; follows
     * updates. A failure midway leaves what was written so far in {@code out}.
     *
     * @return how many bytes were written
     */
    long get(ContentId id, OutputStream out, GetOptions options) throws IOException {
        requireOffLoop();
        BlockReads.Found top = followed(id, options);
        byte[] body = Chunker.body(top.data());
        if (!Manifest.looksLikeManifest(body)) {
            out.write(body);
            return body.length;
        }
        Manifest manifest;
        try {
            manifest = Manifest.decode(body);
        } catch (WireFormatException e) {
            throw new StorageException(id, "block " + id + " is not a valid manifest: " + e.getMessage());
        }
        try {
            Chunker.requireWithin(id, manifest, options.maxContentBytes());
        } catch (IllegalStateException e) {
            throw new StorageException(id, e.getMessage());
        }
        List<ContentId> chunks = manifest.chunks();
        Deque<CompletableFuture<BlockReads.Found>> inFlight = new ArrayDeque<>();
        int next = 0;
        long written = 0;
        List<PeerAddress> hints = top.members();
        for (int i = 0; i < chunks.size(); i++) {
            while (next < chunks.size() && inFlight.size() < PeerContentGroups.BLOCKS_IN_FLIGHT) {
                ContentId chunk = chunks.get(next++);
                List<PeerAddress> preferred = hints;
                inFlight.add(submit(() -> reads.fetchBlock(chunk, preferred, options.strategy())));
            }
            BlockReads.Found found = await(inFlight.poll());
            hints = holdersFirst(found, top.members());
            byte[] part = Chunker.body(found.data());
            long expected = Math.min(manifest.chunkBytes(), manifest.totalBytes() - written);
            if (part.length != expected) {
                throw new StorageException(chunks.get(i), "chunk " + chunks.get(i) + " of " + id + " has " + part.length
                    + " bytes, the manifest says " + expected);
            }
            out.write(part);
            written += part.length;
        }
        return written;
    }

    /**
     * Whom to ask first for the next chunks: the holder and members of the chunk just read, then the manifest's
     * members. A large content's stripes lie with different members ({@link Puts.ContentPut}); the chunks of a
     * stripe lie with the same ones, so only a stripe's first chunk is looked for beyond them.
     */
    private static List<PeerAddress> holdersFirst(BlockReads.Found found, List<PeerAddress> manifestMembers) {
        Map<PeerId, PeerAddress> peers = new LinkedHashMap<>();
        peers.put(found.holder().id(), found.holder());
        found.members().forEach(peer -> peers.putIfAbsent(peer.id(), peer));
        manifestMembers.forEach(peer -> peers.putIfAbsent(peer.id(), peer));
        return List.copyOf(peers.values());
    }

    /** The block {@code id} names, or the latest version its owner updated it to. */
    private BlockReads.Found followed(ContentId id, GetOptions options) {
        ContentId current = id;
        for (int hops = 0; ; hops++) {
            ContentId asked = current;
            try {
                return await(submit(() -> reads.fetchBlock(asked, List.of(), options.strategy())));
            } catch (BlockReads.Superseded moved) {
                if (hops >= BlockReads.MAX_SUCCESSOR_HOPS) {
                    throw new StorageException(id, "more than " + BlockReads.MAX_SUCCESSOR_HOPS
                        + " updates in a row from " + id + "; not following further");
                }
                current = moved.successor;
            }
        }
    }

    private <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        node.context.loop().execute(() -> {
            try {
                work.get().whenComplete((value, error) -> {
                    if (error != null) {
                        result.completeExceptionally(PcgNode.unwrap(error));
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private <T> T onLoop(Supplier<CompletableFuture<T>> work) {
        return await(submit(work));
    }

    private static <T> T await(CompletableFuture<T> future) {
        return Streamed.await(future);
    }

    private void requireOffLoop() {
        if (node.context.loop().inLoop()) {
            throw new IllegalStateException("streamed puts and gets block: call them from an application thread, "
                + "never from the node loop");
        }
    }
}
