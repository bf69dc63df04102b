package network.butter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * Answers {@code butter --version} with the project version, which Maven writes into
 * {@code version.properties} at build time so that it never drifts from the pom, plus the Java runtime in
 * use (the first thing to know when a user reports a problem).
 */
final class VersionProvider implements IVersionProvider {

    private static final String RESOURCE = "version.properties";

    /** The project version this jar was built as, e.g. {@code 0.1.0}. */
    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path: rebuild butter-cli");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "butter " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
        };
    }
}
