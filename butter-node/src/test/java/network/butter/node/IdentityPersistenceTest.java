package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import network.butter.identity.IdentityStore;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node with a data directory is the same peer after a restart, keeps its private key to its owner, and
 * refuses to start on a damaged key file rather than silently becoming someone else.
 */
class IdentityPersistenceTest {

    @TempDir
    Path tempDir;

    @RegisterExtension
    final LocalNodes nodes = new LocalNodes();

    @Test
    void shouldKeepThePeerIdAcrossRestarts() throws Exception {
        Path dataDirectory = tempDir.resolve("not/yet/created");

        ButterNode first = nodes.start(cfg -> cfg.dataDirectory(dataDirectory));
        PeerId firstId = first.id();
        first.close();
        ButterNode restarted = nodes.start(cfg -> cfg.dataDirectory(dataDirectory));
        ButterNode stranger = nodes.start(cfg -> cfg.dataDirectory(tempDir.resolve("other")));

        assertThat(restarted.id()).isEqualTo(firstId);
        assertThat(stranger.id()).as("another data directory is another peer").isNotEqualTo(firstId);
    }

    @Test
    void shouldKeepTheKeyFileReadableByItsOwnerOnly() throws Exception {
        assumeTrue(Files.getFileStore(tempDir).supportsFileAttributeView("posix"), "needs POSIX file permissions");

        nodes.start(cfg -> cfg.dataDirectory(tempDir));

        Path keyFile = tempDir.resolve(IdentityStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(tempDir)) {
            assertThat(files.toList()).as("no temporary file left behind, beside the storage's chunks and the lock")
                .containsExactlyInAnyOrder(keyFile, StorageConfig.chunkDirectory(tempDir),
                    tempDir.resolve(DataDirectoryLock.FILE_NAME));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage that is no key file at all\n",
        "public=AAAA\n",
        "public=!!not base64!!\nprivate=!!not base64!!\n",
        "public=AAAA\nprivate=AAAA\n"
    })
    void shouldRefuseToStartOnACorruptKeyFileNamingItAndLeavingItAlone(String content) throws IOException {
        Path keyFile = tempDir.resolve(IdentityStore.FILE_NAME);
        Files.writeString(keyFile, content, StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> nodes.start(cfg -> cfg.dataDirectory(tempDir)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(keyFile.toString())
            .hasMessageContaining("corrupt");
        assertThat(Files.readString(keyFile, StandardCharsets.US_ASCII)).isEqualTo(content);
    }

    @Test
    void shouldRefuseToStartOnAKeyFileWhoseHalvesDoNotMatch() throws IOException {
        Path keyFile = tempDir.resolve(IdentityStore.FILE_NAME);
        String mismatched = publicLineOf(tempDir.resolve("a")) + "\n" + privateLineOf(tempDir.resolve("b")) + "\n";
        Files.writeString(keyFile, mismatched, StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> nodes.start(cfg -> cfg.dataDirectory(tempDir)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(keyFile.toString())
            .hasMessageContaining("does not match");
        assertThat(Files.readString(keyFile, StandardCharsets.US_ASCII)).isEqualTo(mismatched);
    }

    private static String publicLineOf(Path directory) throws IOException {
        return lineOfFreshKeyFile(directory, "public=");
    }

    private static String privateLineOf(Path directory) throws IOException {
        return lineOfFreshKeyFile(directory, "private=");
    }

    /** The line starting with {@code prefix} of a key file written for a freshly generated identity. */
    private static String lineOfFreshKeyFile(Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(IdentityStore.FILE_NAME);
        IdentityStore.save(NodeIdentity.generate(new SecureRandom()), file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        return lines.stream().filter(line -> line.startsWith(prefix)).findFirst().orElseThrow();
    }
}
