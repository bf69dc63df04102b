import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs one Jazzer {@code @FuzzTest} method through the JUnit Platform, for {@code scripts/fuzz.sh}: Jazzer fuzzes
 * only one fuzz test per JVM, and starting a JVM straight on the compiled test classpath costs a second where a
 * Maven run costs twenty. Run as a single-file program on the module's test classpath:
 * {@code JAZZER_FUZZ=1 java -cp CLASSPATH scripts/FuzzTarget.java network.butter.wire.FrameCodecFuzzTest#method}.
 * Exits 0 if the fuzz test passed, 1 if it failed (a finding), 2 if nothing ran.
 */
public final class FuzzTarget {

    private FuzzTarget() {
    }

    /** @param args one method selector, {@code fully.qualified.Class#method} */
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length != 1 || !args[0].contains("#")) {
            System.err.println("usage: FuzzTarget fully.qualified.Class#method");
            System.exit(2);
        }
        String className = args[0].substring(0, args[0].indexOf('#'));
        String methodName = args[0].substring(args[0].indexOf('#') + 1);
        Class<?> testClass = Class.forName(className);
        Method method = Arrays.stream(testClass.getDeclaredMethods())
            .filter(candidate -> candidate.getName().equals(methodName))
            .findFirst()
            .orElse(null);
        if (method == null) {
            System.err.println("no method " + methodName + " in " + className);
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(selectMethod(testClass, method))
            .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.printFailuresTo(new PrintWriter(System.err, true), 40);
        if (summary.getTestsStartedCount() == 0) {
            System.err.println("no fuzz test ran for " + args[0]);
            System.exit(2);
        }
        System.exit(summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
