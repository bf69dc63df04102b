package network.butter.persist;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import network.butter.env.Signer;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The owner's signed order that a block is gone: every member that sees it drops its copy and keeps the tombstone
 * instead, so a member that was away and comes back with an old copy, or a late store of the same block, cannot
 * bring it back. An update is a tombstone with a successor: readers of the old id are sent on to the new content,
 * and the signature proves the owner made that link.
 *
 * <p>A tombstone binds only the blocks its owner stamped: a forged one, signed by someone else, leaves another
 * owner's block alone.
 *
 * @param block     the block removed
 * @param owner     the block's owner, who signed this
 * @param successor the content that replaces it (an update), or null (a plain delete)
 * @param signature the owner's Ed25519 signature of {@code "butter/pcg/del/1" | block | 0 or 1 | successor}
 */
public record Tombstone(ContentId block, PeerId owner, ContentId successor, byte[] signature) {

    private static final byte[] CONTEXT = "butter/pcg/del/1".getBytes(StandardCharsets.US_ASCII);

    /** Checks the parts are present; {@link #valid()} checks the signature. */
    public Tombstone {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(signature, "signature");
        signature = signature.clone();
    }

    /** Signs a tombstone for {@code block} as {@code owner}, optionally naming its successor. */
    public static Tombstone sign(ContentId block, PeerId owner, ContentId successor, Signer signer) {
        return new Tombstone(block, owner, successor, signer.sign(signed(block, successor)));
    }

    /** Whether the signature is the owner's. */
    public boolean valid() {
        return owner.verify(signed(block, successor), signature);
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
        out.raw(block.toBytes()).raw(owner.toBytes());
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
        int flag = in.u8();
        if (flag > 1) {
            throw in.malformed("successor flag " + flag);
        }
        ContentId successor = flag == 1 ? ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)) : null;
        return new Tombstone(block, owner, successor, in.raw(OwnerStamp.SIGNATURE_BYTES));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tombstone other && block.equals(other.block) && owner.equals(other.owner)
            && Objects.equals(successor, other.successor) && java.util.Arrays.equals(signature, other.signature);
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
