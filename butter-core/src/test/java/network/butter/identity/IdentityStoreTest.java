package network.butter.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTheSameIdentityAcrossLoads() {
        NodeIdentity first = IdentityStore.loadOrCreate(dataDir, new SecureRandom());
        NodeIdentity second = IdentityStore.loadOrCreate(dataDir, new SecureRandom());
        assertThat(second.peerId()).isEqualTo(first.peerId());
        byte[] data = {1, 2, 3};
        assertThat(first.peerId().verify(data, second.sign(data))).isTrue();
    }

    @Test
    void shouldWriteTheKeyFileForItsOwnerOnly() throws Exception {
        IdentityStore.loadOrCreate(dataDir, new SecureRandom());
        Path file = dataDir.resolve(IdentityStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(dataDir)).containsExactly(file);
    }

    @Test
    void shouldRefuseACorruptKeyFileAndLeaveItAlone() throws Exception {
        Path file = dataDir.resolve(IdentityStore.FILE_NAME);
        Files.writeString(file, "public=AAAA\nprivate=AAAA\n");
        assertThatThrownBy(() -> IdentityStore.loadOrCreate(dataDir, new SecureRandom()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining(file.toString()).hasMessageContaining("corrupt");
        assertThat(Files.readString(file)).isEqualTo("public=AAAA\nprivate=AAAA\n");
    }

    @Test
    void shouldRefuseKeyFileWhoseHalvesDoNotMatch() throws Exception {
        Path a = dataDir.resolve("a");
        Path b = dataDir.resolve("b");
        IdentityStore.loadOrCreate(a, new SecureRandom());
        IdentityStore.loadOrCreate(b, new SecureRandom());
        String publicA = Files.readAllLines(a.resolve(IdentityStore.FILE_NAME)).get(2);
        String privateB = Files.readAllLines(b.resolve(IdentityStore.FILE_NAME)).get(3);
        Path mixed = dataDir.resolve("mixed");
        Files.createDirectories(mixed);
        Files.writeString(mixed.resolve(IdentityStore.FILE_NAME), publicA + "\n" + privateB + "\n");
        assertThatThrownBy(() -> IdentityStore.loadOrCreate(mixed, new SecureRandom()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not match");
    }
}
