package network.butter.persist;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import network.butter.identity.PeerId;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.Challenge;
import network.butter.persist.PcgMessages.Entry;
import network.butter.persist.PcgMessages.Proof;
import network.butter.store.ContentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proofs of possession riding on heartbeats. A member that beats is live, but beating costs nothing: a peer could
 * keep beating for blocks it dropped long ago and so hide that a group is short of copies. So now and then a beat
 * (either direction of the exchange) challenges the partner to hash one shared block with a fresh nonce, and the
 * partner's next message to this node must carry {@code SHA-256(nonce | block bytes)}. This node checks it against
 * its own copy. A wrong proof, or {@link #MAX_MISSES} messages in a row without one, and the partner no longer
 * counts as a member of that group, which the leader then repairs.
 *
 * <p>Cost: at most one challenge outstanding per partner, one block hashed per challenge and message that carries its
 * proof, 48 bytes in one beat and 80 in each of the next few (a proof is repeated, see {@link #attach}); no extra
 * messages. Messages that cross on the wire may miss a proof once, which is why a few misses in a row are needed.
 */
final class Possession {

    private static final Logger log = LoggerFactory.getLogger(Possession.class);
    /** One outgoing message in this many carries a new challenge (when none is outstanding). */
    static final int CHALLENGE_EVERY = 3;
    /** Messages in a row without the proof asked for before the partner counts as not holding the block. */
    static final int MAX_MISSES = 3;

    private final PcgNode node;
    private final GroupTable table;
    private final Map<PeerId, Outstanding> outstanding = new HashMap<>();
    private final Map<PeerId, Asked> askedBy = new HashMap<>();

    private record Outstanding(ContentId block, byte[] nonce, int misses) {
    }

    /** A challenge {@code peer} sent this node, to be answered in this node's next {@code sendsLeft} messages to it. */
    private record Asked(Challenge challenge, int sendsLeft) {
    }

    /**
     * A partner that is no longer to count as a member of {@code block}'s group: it said it no longer holds the
     * block, it sent no proof for {@link #MAX_MISSES} messages ({@code missed}), or it sent a wrong one
     * ({@code lied}).
     */
    record Lapse(ContentId block, boolean missed, boolean lied) {
    }

    Possession(PcgNode node, GroupTable table) {
        this.node = node;
        this.table = table;
    }

    /**
     * Adds to a beat for {@code peer} the proof it last asked for (if this node holds that block) and, now and then,
     * a new challenge for one of the blocks the beat names. Both ride on more than one message, since the first may be
     * a reply its receiver gave up waiting for (the sender was busy, or the network slow), and a proof or challenge lost
     * that way must not cost an honest partner its place — slow is not absent: the proof on the next
     * {@link #MAX_MISSES} messages to {@code peer}, the challenge on every message until its proof comes.
     */
    Beat attach(PeerId peer, Beat beat) {
        Asked asked = askedBy.get(peer);
        Proof proof = null;
        if (asked != null) {
            proof = proofOf(asked.challenge()).orElse(null);
            if (asked.sendsLeft() > 1) {
                askedBy.put(peer, new Asked(asked.challenge(), asked.sendsLeft() - 1));
            } else {
                askedBy.remove(peer);
            }
        }
        Challenge challenge = null;
        List<Entry> shared = beat.held();
        Outstanding unanswered = outstanding.get(peer);
        if (unanswered != null) {
            challenge = new Challenge(unanswered.block(), unanswered.nonce());
        } else if (!shared.isEmpty() && node.context.random().nextInt(CHALLENGE_EVERY) == 0) {
            ContentId block = shared.get(node.context.random().nextInt(shared.size())).block();
            byte[] nonce = new byte[Challenge.NONCE_BYTES];
            node.context.random().nextBytes(nonce);
            challenge = new Challenge(block, nonce);
            outstanding.put(peer, new Outstanding(block, nonce, 0));
        }
        return beat.with(challenge, proof);
    }

    /** The proof for a challenge this node received, if it holds the block. */
    private Optional<Proof> proofOf(Challenge challenge) {
        if (table.get(challenge.block()) == null) {
            return Optional.empty();
        }
        return node.store.get(challenge.block()).map(data -> new Proof(challenge.block(), challenge.nonce(),
            digest(challenge.nonce(), data)));
    }

    /**
     * Takes in a message from {@code peer}: remembers its challenge (for a block both hold) to answer in the next
     * message to it, and checks it against the challenge outstanding for it. Returns the block it failed to prove
     * it holds, or empty.
     */
    Optional<Lapse> receive(PeerId peer, Beat beat) {
        Challenge challenge = beat.challenge();
        if (challenge != null) {
            Group shared = table.get(challenge.block());
            if (shared != null && shared.view.knows(peer)) {
                askedBy.put(peer, new Asked(challenge, MAX_MISSES));
            }
        }
        return check(peer, beat);
    }

    private Optional<Lapse> check(PeerId peer, Beat beat) {
        Outstanding expected = outstanding.get(peer);
        if (expected == null) {
            return Optional.empty();
        }
        Group group = table.get(expected.block());
        if (group == null || !group.view.knows(peer)) {
            outstanding.remove(peer);
            return Optional.empty();
        }
        Proof proof = beat.proof();
        if (proof != null && proof.block().equals(expected.block()) && MessageDigest.isEqual(proof.nonce(), expected.nonce())) {
            outstanding.remove(peer);
            Optional<byte[]> mine = node.store.get(expected.block());
            if (mine.isEmpty() || MessageDigest.isEqual(proof.digest(), digest(expected.nonce(), mine.get()))) {
                return Optional.empty();
            }
            log.info("{}: {} sent a wrong proof of holding {}", node.self.shortForm(), peer.shortForm(), expected.block());
            return Optional.of(new Lapse(expected.block(), false, true));
        }
        if (beat.notHeld().contains(expected.block())) {
            outstanding.remove(peer);
            return Optional.of(new Lapse(expected.block(), false, false));
        }
        if (expected.misses() + 1 >= MAX_MISSES) {
            outstanding.remove(peer);
            log.debug("{}: {} sent {} messages without the proof that it holds {}", node.self.shortForm(),
                peer.shortForm(), MAX_MISSES, expected.block());
            return Optional.of(new Lapse(expected.block(), true, false));
        }
        outstanding.put(peer, new Outstanding(expected.block(), expected.nonce(), expected.misses() + 1));
        return Optional.empty();
    }

    /** Forgets the challenge for a peer that failed or left. */
    void forget(PeerId peer) {
        outstanding.remove(peer);
        askedBy.remove(peer);
    }

    /** Forgets challenges to and from peers that are no longer partners (once a round). */
    void retain(java.util.Set<PeerId> partners) {
        outstanding.keySet().retainAll(partners);
        askedBy.keySet().retainAll(partners);
    }

    static byte[] digest(byte[] nonce, byte[] data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(nonce);
            sha.update(data);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
