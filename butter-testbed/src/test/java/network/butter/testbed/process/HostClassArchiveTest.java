package network.butter.testbed.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostClassArchiveTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A jar holding the fake host and the line protocol it speaks: the JVM archives classes only from jars. */
    private static Path hostJar(Path directory) throws IOException {
        Path jar = directory.resolve("host.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : List.of(FakeHost.class, HostLines.class)) {
                String name = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (var in = type.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void shouldTrainAnArchiveOnOneHostAndGiveALauncherThatMapsIt(@TempDir Path directory) throws Exception {
        Path archive = directory.resolve("host.jsa");
        List<String> launcher = List.of(java(), "-Xmx32m", "-cp", hostJar(directory).toString(),
            FakeHost.class.getName());

        Optional<List<String>> sharing = HostClassArchive.train(launcher, archive, LIMIT);

        assertThat(archive).isRegularFile();
        assertThat(sharing).contains(List.of(java(), "-XX:SharedArchiveFile=" + archive, "-Xmx32m", "-cp",
            launcher.get(3), FakeHost.class.getName()));
        Process mapped = new ProcessBuilder(sharing.orElseThrow()).redirectErrorStream(true).start();
        try (OutputStream stdin = mapped.getOutputStream()) {
            stdin.write("spawn 1 /nowhere\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertThat(mapped.waitFor(LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        assertThat(new String(mapped.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
            .as("a host that maps the archive runs as before, with no warning").isEqualTo("node 1 " + "A".repeat(43)
                + "@127.0.0.1:9 9\n");
    }

    @Test
    void shouldRefuseAtOnceAClassPathWithDirectoriesWhichTheJvmCannotArchive(@TempDir Path directory)
        throws IOException {
        Path classes = Files.createDirectories(directory.resolve("classes"));
        List<String> withADirectory = List.of(java(), "-cp", hostJar(directory) + java.io.File.pathSeparator + classes,
            FakeHost.class.getName());

        assertThatThrownBy(() -> HostClassArchive.train(withADirectory, directory.resolve("host.jsa"), LIMIT))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("the JVM archives classes only from jar files, and the host's class path holds " + classes);
    }

    @Test
    void shouldLeaveALauncherThatIsNotAJavaCommandAsItIs(@TempDir Path directory) {
        assertThat(HostClassArchive.train(List.of("/bin/sh", "-c", "exit 0"), directory.resolve("host.jsa"),
            Duration.ofSeconds(5))).isEmpty();
        assertThat(directory.resolve("host.jsa")).doesNotExist();
    }
}
