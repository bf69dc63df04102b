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

    @Test
    void shouldRoundTripRelayedAddressesThroughTextAndWire() throws Exception {
        PeerId relayId = NodeIdentity.generate(new SecureRandom()).peerId();
        PeerAddress relay = new PeerAddress(relayId, "203.0.113.7", 7000);
        PeerAddress relayed = PeerAddress.relayed(id, relay);

        assertThat(relayed.isRelayed()).isTrue();
        assertThat(relayed.relayAddress()).isEqualTo(relay);
        assertThat(relayed.toString()).isEqualTo(id + "@203.0.113.7:7000/via/" + relayId);
        assertThat(PeerAddress.parse(relayed.toString())).isEqualTo(relayed);
        byte[] wire = new network.butter.wire.PayloadWriter(128).address(relayed).address(relay).toByteArray();
        network.butter.wire.PayloadReader reader = new network.butter.wire.PayloadReader(wire, "addresses");
        assertThat(reader.address()).isEqualTo(relayed);
        assertThat(reader.address()).isEqualTo(relay);
    }

    @Test
    void shouldRefuseAPeerAsItsOwnRelayOrARelayThatIsItselfRelayed() {
        assertThatThrownBy(() -> new PeerAddress(id, "203.0.113.7", 7000, id)).hasMessageContaining("own relay");
        PeerId other = NodeIdentity.generate(new SecureRandom()).peerId();
        PeerAddress relayedRelay = new PeerAddress(other, "203.0.113.7", 7000, NodeIdentity.generate(new SecureRandom()).peerId());
        assertThatThrownBy(() -> PeerAddress.relayed(id, relayedRelay)).hasMessageContaining("directly");
        assertThatThrownBy(() -> new PeerAddress(id, "203.0.113.7", 7000).relayAddress()).hasMessageContaining("direct");
    }
}
