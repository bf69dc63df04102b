package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The build runs tests as butter.jar runs nodes: with native access, so Netty frees buffers without a handshake. */
class NativeAccessTest {

    @Test
    void shouldRunTestsWithNativeAccessEnabledAsTheJarDoes() {
        assertThat(NativeAccess.enabled())
            .as("surefire's argLine carries %s (JDK %s)", NativeAccess.JVM_OPTION, Runtime.version())
            .isTrue();
    }
}
