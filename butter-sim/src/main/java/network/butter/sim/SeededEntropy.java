package network.butter.sim;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * "Entropy" from a seed, so that simulated nodes get the same keys, and therefore the same peer ids and the
 * same id order, in every run of one seed. Never use it for a real node.
 */
final class SeededEntropy extends SecureRandom {

    private static final long serialVersionUID = 1L;
    private final transient SplittableRandom source;

    SeededEntropy(long seed) {
        super(new byte[0]);
        this.source = new SplittableRandom(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
        source.nextBytes(bytes);
    }
}
