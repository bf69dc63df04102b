package network.butter.persist;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import network.butter.env.Signer;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.store.OwnedBlock;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The owner's signed order that a block is gone: every member that sees it drops its copy and keeps the tombstone
 * instead, so a member that was away and comes back with an old copy, or a late store of the same block, cannot
 * bring it back. An update is a tombstone with a successor: readers of the old id are sent on to the new content,
 * and the signature proves the owner made that link.
 *
 * <p>A tombstone proves itself against the block's id, without the data: blocks are {@link OwnedBlock}s, whose id
 * is {@code SHA-256(magic | owner | bodyHash)}, so a tombstone is {@link #valid()} only if its signer is the owner
 * the id commits to. Anyone may relay one; nobody but the owner can make one. A reader can therefore trust a
 * "gone" answer from any peer, and a successor it names.
 *
 * @param block     the block removed
 * @param owner     the block's owner, who signed this
 * @param bodyHash  SHA-256 of the block's body: with {@code owner} it hashes to {@code block}
 * @param successor the content that replaces it (an update), or null (a plain delete)
 * @param signature the owner's Ed25519 signature of {@code "butter/pcg/del/2" | block | 0 or 1 | successor}
 */
public record Tombstone(ContentId block, PeerId owner, byte[] bodyHash, ContentId successor, byte[] signature) {

    private static final byte[] CONTEXT = "butter/pcg/del/2".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of an encoded tombstone without a successor; one with a successor has 32 more. */
    static final int MIN_BYTES = ContentId.LENGTH_BYTES + 32 + ContentId.LENGTH_BYTES + 1 + OwnerStamp.SIGNATURE_BYTES;

    /** Checks the parts are present; {@link #valid()} checks the signature. */
    public Tombstone {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(bodyHash, "bodyHash");
        Objects.requireNonNull(signature, "signature");
        if (bodyHash.length != ContentId.LENGTH_BYTES) {
            throw new IllegalArgumentException("a body hash is " + ContentId.LENGTH_BYTES + " bytes, got " + bodyHash.length);
        }
        bodyHash = bodyHash.clone();
        signature = signature.clone();
    }

    /**
     * Signs a tombstone for the owned block {@code blockBytes} as {@code owner}, optionally naming its successor.
     *
     * @throws IllegalArgumentException if the bytes are not a block owned by {@code owner}
     */
    public static Tombstone sign(byte[] blockBytes, PeerId owner, ContentId successor, Signer signer) {
        if (!OwnedBlock.isOwned(blockBytes) || !java.util.Arrays.equals(OwnedBlock.owner(blockBytes), owner.toBytes())) {
            throw new IllegalArgumentException("only a block owned by " + owner.shortForm() + " can be deleted with its key");
        }
        ContentId block = ContentId.of(blockBytes);
        return new Tombstone(block, owner, OwnedBlock.bodyHash(blockBytes), successor, signer.sign(signed(block, successor)));
    }

    /**
     * Whether the owner the block's id commits to signed this: the signer is the block's owner (the id hashes from
     * it and the body hash) and the signature is its.
     */
    public boolean valid() {
        return OwnedBlock.id(owner.toBytes(), bodyHash).equals(block) && owner.verify(signed(block, successor), signature);
    }

    /** Whether this tombstone may remove a block carrying {@code stamp}: same block, same owner. */
    public boolean covers(OwnerStamp stamp) {
        return stamp.block().equals(block) && stamp.owner().equals(owner);
    }

    /** The content replacing the block, if this is an update. */
    public Optional<ContentId> successorId() {
        return Optional.ofNullable(successor);
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public byte[] bodyHash() {
        return bodyHash.clone();
    }

    private static byte[] signed(ContentId block, ContentId successor) {
        PayloadWriter out = new PayloadWriter(CONTEXT.length + 2 * ContentId.LENGTH_BYTES + 1)
            .raw(CONTEXT).raw(block.toBytes());
        if (successor == null) {
            out.u8(0);
        } else {
            out.u8(1).raw(successor.toBytes());
        }
        return out.toByteArray();
    }

    /** The tombstone as bytes, e.g. for a store record. */
    public byte[] encode() {
        PayloadWriter out = new PayloadWriter(160);
        write(out);
        return out.toByteArray();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws WireFormatException if they are not a tombstone
     */
    public static Tombstone decode(byte[] bytes) throws WireFormatException {
        PayloadReader in = new PayloadReader(bytes, "tombstone");
        Tombstone tombstone = read(in);
        in.end();
        return tombstone;
    }

    void write(PayloadWriter out) {
        out.raw(block.toBytes()).raw(owner.toBytes()).raw(bodyHash);
        if (successor == null) {
            out.u8(0);
        } else {
            out.u8(1).raw(successor.toBytes());
        }
        out.raw(signature);
    }

    static Tombstone read(PayloadReader in) throws WireFormatException {
        ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
        PeerId owner = in.peerId();
        byte[] bodyHash = in.raw(ContentId.LENGTH_BYTES);
        int flag = in.u8();
        if (flag > 1) {
            throw in.malformed("successor flag " + flag);
        }
        ContentId successor = flag == 1 ? ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)) : null;
        return new Tombstone(block, owner, bodyHash, successor, in.raw(OwnerStamp.SIGNATURE_BYTES));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tombstone other && block.equals(other.block) && owner.equals(other.owner)
            && java.util.Arrays.equals(bodyHash, other.bodyHash) && Objects.equals(successor, other.successor)
            && java.util.Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(block, owner, successor);
    }

    @Override
    public String toString() {
        return "Tombstone[" + block + " by " + owner.shortForm() + (successor == null ? "" : " -> " + successor) + "]";
    }
}
