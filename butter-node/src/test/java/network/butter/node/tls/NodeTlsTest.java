package network.butter.node.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Instant;
import network.butter.identity.NodeIdentity;
import org.junit.jupiter.api.Test;

class NodeTlsTest {

    @Test
    void shouldBoundTheSessionsEachContextKeepsForResumption() {
        SecureRandom entropy = new SecureRandom();
        NodeTls tls = NodeTls.create(NodeIdentity.generate(entropy), entropy, Instant.now());

        for (SslContext context : new SslContext[] {tls.server(), tls.client()}) {
            assertThat(context.sessionContext().getSessionCacheSize()).isEqualTo(NodeTls.SESSION_CACHE_ENTRIES);
            assertThat(context.sessionContext().getSessionTimeout()).isEqualTo((int) NodeTls.SESSION_TIMEOUT_SECONDS);
        }
    }
}
