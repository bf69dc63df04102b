package network.butter.testbed.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A class-data-sharing archive for the host processes of one run: one host is started with
 * {@code -XX:ArchiveClassesAtExit}, starts a node (so every class a node needs is loaded) and exits; every later
 * host maps the archive ({@code -XX:SharedArchiveFile}) instead of loading, parsing and verifying those classes
 * again. Why: a process run boots a JVM per node and one per replacement on a machine with two cores, and an
 * archive cuts a host's CPU to its first node by about a third (1.7 to 1.1 CPU seconds measured here).
 *
 * <p>The launcher must be a {@code java} command (its first word); anything else is left as it is.
 */
public final class HostClassArchive {

    private HostClassArchive() {
    }

    /**
     * Trains an archive at {@code archive} with one host started by {@code launcher}, bounded by {@code limit}. The
     * training node's data directory and the host's log are made beside the archive, for its owner to remove.
     *
     * @return the launcher that maps the archive; empty if the launcher is not a {@code java} command
     * @throws IllegalStateException naming why the training host failed (a run may then boot its hosts without)
     */
    public static Optional<List<String>> train(List<String> launcher, Path archive, Duration limit) {
        if (launcher.isEmpty() || !Path.of(launcher.getFirst()).getFileName().toString().matches("java(\\.exe)?")) {
            return Optional.empty();
        }
        String notJars = notJars(launcher);
        if (!notJars.isEmpty()) {
            throw new IllegalStateException("the JVM archives classes only from jar files, and the host's class path "
                + "holds " + notJars);
        }
        Path nodeDirectory = archive.resolveSibling(archive.getFileName() + ".node");
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        HostProcess host = HostProcess.launch(-1, withOption(launcher, "-XX:ArchiveClassesAtExit=" + archive), log);
        try {
            host.spawn(0, nodeDirectory).get(limit.toMillis(), TimeUnit.MILLISECONDS);
            host.closeInput();
            if (!host.awaitExit(limit.toMillis())) {
                throw new IllegalStateException("the training host did not exit within " + limit.toSeconds() + " s");
            }
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("the training host exited without writing a class archive (the JVM "
                    + "archives classes only from jar files; its log: " + log + ")");
            }
            return Optional.of(withOption(launcher, "-XX:SharedArchiveFile=" + archive));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the training host did not start a node within " + limit.toSeconds()
                + " s: " + (e instanceof ExecutionException ? e.getCause().getMessage() : "timed out"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training the class archive", e);
        } finally {
            host.kill();
        }
    }

    /** The entries of the launcher's class path that are not jar files, or nothing. */
    private static String notJars(List<String> launcher) {
        for (int i = 1; i + 1 < launcher.size(); i++) {
            if (List.of("-cp", "-classpath", "--class-path", "-jar").contains(launcher.get(i))) {
                return java.util.Arrays.stream(launcher.get(i + 1).split(java.io.File.pathSeparator))
                    .filter(entry -> !entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry)))
                    .collect(java.util.stream.Collectors.joining(", "));
            }
        }
        return "";
    }

    private static List<String> withOption(List<String> launcher, String option) {
        List<String> command = new ArrayList<>(launcher);
        command.add(1, option);
        return List.copyOf(command);
    }
}
