package network.butter.persist;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.PeerAddress;
import network.butter.persist.PcgMessages.Challenge;
import network.butter.store.ContentId;
import network.butter.wire.PayloadWriter;

/**
 * A recruit's proof that it kept the block it said it stored. Answering "stored" costs nothing: a peer that keeps no
 * copy could otherwise make a put meet its write quorum, or a repair count a member, with a word, and the owner die
 * before the first heartbeat challenge ({@link Possession}) exposes it. So a recruit counts only once it answers a
 * challenge sent after its "stored": {@code SHA-256(nonce | block bytes)} for a fresh nonce, on the prove route,
 * checked against the recruiter's own copy. One round trip of 48 and 32 bytes per recruit and block.
 */
final class Proofs {

    private final PcgNode node;
    private final GroupTable table;
    private long challenges;
    private byte[] nonceSecret;

    Proofs(PcgNode node, GroupTable table) {
        this.node = node;
        this.table = table;
    }

    /**
     * Asks {@code recruit} to prove it holds {@code block}, whose bytes are {@code data}, waiting {@code timeoutMs}:
     * as long as the store it follows was given (a loaded network answers both alike). Completes (on the loop) with
     * whether the proof came and was right; never exceptionally: a timeout or an error is no proof.
     */
    CompletableFuture<Boolean> check(PeerAddress recruit, ContentId block, byte[] data, long timeoutMs) {
        byte[] nonce = nonce(block);
        byte[] expected = Possession.digest(nonce, data);
        return node.request(recruit, PeerContentGroups.PROVE_ROUTE, new Challenge(block, nonce).encode(), timeoutMs)
            .handle((reply, error) -> error == null && MessageDigest.isEqual(reply.payload(), expected));
    }

    /**
     * A nonce no other peer can predict, without drawing on the node's random stream (so that adding proofs leaves
     * every other random choice of a seeded run as it was): {@code SHA-256(secret | block | counter)}, where the
     * secret is this node's signature over a fixed text, made once and never sent. One hash per challenge: a
     * signature per challenge (as before) cost a 50-node testbed host a third of its CPU while groups recruited.
     */
    private byte[] nonce(ContentId block) {
        if (nonceSecret == null) {
            nonceSecret = node.context.sign(new PayloadWriter(32).text("butter/pcg/prove-nonce-secret").toByteArray());
        }
        byte[] blockAndCounter = new PayloadWriter(48).raw(block.toBytes()).u64(++challenges).toByteArray();
        return Arrays.copyOf(Possession.digest(nonceSecret, blockAndCounter), Challenge.NONCE_BYTES);
    }

    /** This node's answer to a challenge: the digest if it holds the block as a member of its group, else nothing. */
    byte[] answer(Challenge challenge) {
        if (table.get(challenge.block()) == null) {
            return new byte[0];
        }
        return node.store.get(challenge.block()).map(data -> Possession.digest(challenge.nonce(), data)).orElse(new byte[0]);
    }
}
