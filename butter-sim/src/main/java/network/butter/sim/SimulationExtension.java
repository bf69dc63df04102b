package network.butter.sim;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 support for simulated protocol tests: a fixed seed per test, simulations built from it, and the seed
 * printed when the test fails.
 *
 * <pre>{@code
 * @RegisterExtension final SimulationExtension sims = new SimulationExtension();
 *
 * @Test void shouldAnswer() {
 *     Simulation sim = sims.create(Faults.lan());
 *     ...
 * }
 * }</pre>
 *
 * <p>The seed of a test is derived from its name, so every run repeats; set the system property
 * {@value #SEED_PROPERTY} to replay a failure printed by another run, or to try other seeds.
 */
public final class SimulationExtension implements BeforeEachCallback, TestWatcher {

    /** System property that overrides the seed of every test, e.g. {@code -Dbutter.sim.seed=42}. */
    public static final String SEED_PROPERTY = "butter.sim.seed";

    private long seed;

    @Override
    public void beforeEach(ExtensionContext context) {
        String override = System.getProperty(SEED_PROPERTY);
        seed = override != null ? Long.parseLong(override.trim()) : context.getUniqueId().hashCode();
    }

    /** The seed of the running test. */
    public long seed() {
        return seed;
    }

    /** A simulation seeded with the test's seed. */
    public Simulation create(Faults faults) {
        return Simulation.builder().seed(seed).faults(faults).build();
    }

    /** A simulation seeded with the test's seed, on a LAN. */
    public Simulation create() {
        return create(Faults.lan());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.printf("%s failed with simulation seed %d; replay it with -D%s=%d%n",
            context.getDisplayName(), seed, SEED_PROPERTY, seed);
    }
}
