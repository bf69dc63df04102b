package network.butter.testing;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the seed of a randomised test when it fails, so the failure can be replayed:
 * {@code @RegisterExtension SeedReporter seed = new SeedReporter(() -> network.seed());}.
 */
public final class SeedReporter implements TestWatcher {

    private final LongSupplier seed;

    /** @param seed where to read the failing run's seed */
    public SeedReporter(LongSupplier seed) {
        this.seed = seed;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.printf("%s failed with seed %d%n", context.getDisplayName(), seed.getAsLong());
    }
}
