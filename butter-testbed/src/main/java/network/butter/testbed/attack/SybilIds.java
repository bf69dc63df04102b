package network.butter.testbed.attack;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;

/**
 * Grinds identities for Sybil leaders: generates keys from a seeded stream until the peer id starts with
 * {@link #PREFIX_BITS} one-bits (one key in 256: above an honest member's id 511 times in 512, and the group
 * leader is the highest live id; a longer prefix costs more key
 * generations than a run should spend), trying at most {@link #MAX_ATTEMPTS} keys and keeping the highest id seen
 * if none qualifies.
 * The same seed always grinds the same ids. Since the leader is now the member of highest rank
 * {@code SHA-256(block id | peer id)}, a ground id leads a group only by the same chance as any other; the grinding
 * is kept so that the attack still tries what the issue describes, and shows that it no longer pays.
 */
public final class SybilIds {

    /** Leading one-bits a ground id has. */
    static final int PREFIX_BITS = 8;
    /** Most keys tried for one id. */
    static final int MAX_ATTEMPTS = 1 << 13;

    private final SplittableRandom random;

    /** @param seed the seed of every key tried */
    public SybilIds(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next ground identity. */
    public NodeIdentity next() {
        NodeIdentity best = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            NodeIdentity candidate = NodeIdentity.generate(new Entropy(random.nextLong()));
            if (best == null || candidate.peerId().compareTo(best.peerId()) > 0) {
                best = candidate;
            }
            if (high(candidate.peerId())) {
                return candidate;
            }
        }
        return best;
    }

    /** Whether {@code id} starts with {@link #PREFIX_BITS} one-bits. */
    static boolean high(PeerId id) {
        byte[] key = id.toBytes();
        int prefix = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
        return prefix >>> (16 - PREFIX_BITS) == (1 << PREFIX_BITS) - 1;
    }

    /** Key material from a seed, so that grinding repeats; never for a real node. */
    private static final class Entropy extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient SplittableRandom source;

        Entropy(long seed) {
            super(new byte[0]);
            this.source = new SplittableRandom(seed);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            source.nextBytes(bytes);
        }
    }
}
