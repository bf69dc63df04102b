package network.butter.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

    private final PeerId id = NodeIdentity.generate(new SecureRandom()).peerId();

    @Test
    void shouldRoundTripIpv4AndIpv6Addresses() {
        for (String host : new String[] {"127.0.0.1", "::1", "node.example"}) {
            PeerAddress address = new PeerAddress(id, host, 7000);
            assertThat(PeerAddress.parse(address.toString())).isEqualTo(address);
        }
        assertThat(new PeerAddress(id, "::1", 7000).toString()).endsWith("@[::1]:7000");
    }

    @Test
    void shouldExplainMalformedAddresses() {
        assertThatThrownBy(() -> PeerAddress.parse("127.0.0.1:7000")).hasMessageContaining("no '@'");
        assertThatThrownBy(() -> PeerAddress.parse(id + "@127.0.0.1")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> PeerAddress.parse(id + "@127.0.0.1:http")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> PeerAddress.parse(id + "@127.0.0.1:70000")).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> HostPort.parse("::1:7000")).hasMessageContaining("IPv6 in brackets");
    }

    @Test
    void shouldRefuseTextWhoseHostIsNotANameOrIpLiteralSoThatEveryParsedAddressPrintsBackTheSame() {
        for (String host : new String[] {"[[x]:7000", "[x y]:7000", "a@b:7000", "[nœud]:7000", "[]:7000"}) {
            assertThatThrownBy(() -> PeerAddress.parse(id + "@" + host)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        }
        PeerAddress zoned = PeerAddress.parse(id + "@[fe80::1%eth0]:7000");
        assertThat(PeerAddress.parse(zoned.toString())).isEqualTo(zoned);
    }
}
