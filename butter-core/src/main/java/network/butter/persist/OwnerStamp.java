package network.butter.persist;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import network.butter.env.Signer;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.store.OwnedBlock;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The owner's signed claim to a stored block: whoever put it signs its id, and every copy of the block travels
 * with the stamp. Only the stamp's owner can then delete or supersede the block, and every member can check that
 * on its own, long after the owner has gone.
 *
 * @param block     the block claimed
 * @param owner     who put it
 * @param signature the owner's Ed25519 signature of {@code "butter/pcg/own/1" | block}
 */
public record OwnerStamp(ContentId block, PeerId owner, byte[] signature) {

    private static final byte[] CONTEXT = "butter/pcg/own/1".getBytes(StandardCharsets.US_ASCII);
    static final int SIGNATURE_BYTES = 64;

    /** Checks the parts are present; {@link #valid()} checks the signature. */
    public OwnerStamp {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(signature, "signature");
        signature = signature.clone();
    }

    /** Stamps {@code block} as {@code owner}'s, signing with the owner's key. */
    public static OwnerStamp sign(ContentId block, PeerId owner, Signer signer) {
        return new OwnerStamp(block, owner, signer.sign(signed(block)));
    }

    /** Whether the signature is the owner's signature of this block. */
    public boolean valid() {
        return owner.verify(signed(block), signature);
    }

    /**
     * Whether {@code data} is this block, owned by this stamp's owner, and the stamp is the owner's: what a member
     * checks before taking a copy and a reader before trusting one.
     */
    public boolean validFor(byte[] data) {
        return describes(data) && valid();
    }

    /**
     * Whether {@code data} is this block and names this stamp's owner: {@link #validFor(byte[])} without the signature
     * check, for a stamp already checked (e.g. equal to the one a member checked when it took the block).
     */
    boolean describes(byte[] data) {
        return block.matches(data) && OwnedBlock.isOwned(data) && java.util.Arrays.equals(OwnedBlock.owner(data), owner.toBytes());
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    private static byte[] signed(ContentId block) {
        return new PayloadWriter(CONTEXT.length + ContentId.LENGTH_BYTES).raw(CONTEXT).raw(block.toBytes()).toByteArray();
    }

    void write(PayloadWriter out) {
        out.raw(block.toBytes()).raw(owner.toBytes()).raw(signature);
    }

    static OwnerStamp read(PayloadReader in) throws WireFormatException {
        ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
        PeerId owner = in.peerId();
        return new OwnerStamp(block, owner, in.raw(SIGNATURE_BYTES));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OwnerStamp other && block.equals(other.block) && owner.equals(other.owner)
            && java.util.Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(block, owner);
    }

    @Override
    public String toString() {
        return "OwnerStamp[" + block + " by " + owner.shortForm() + "]";
    }
}
