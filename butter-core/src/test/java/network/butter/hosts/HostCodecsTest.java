package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerAddress;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class HostCodecsTest {

    private static PeerAddress address(String host, int port) {
        return new PeerAddress(NodeIdentity.generate(new SecureRandom()).peerId(), host, port);
    }

    @Test
    void shouldRoundTripHostQuality() throws Exception {
        HostQuality quality = new HostQuality(86_400_000L, 5L << 30, 42, 7, true, "eu-west");
        assertThat(HostQuality.decode(quality.encode())).isEqualTo(quality);
    }

    @Test
    void shouldRejectMalformedHostQuality() {
        byte[] encoded = new HostQuality(1, 2, 3, 4, false, "x").encode();
        assertThatThrownBy(() -> HostQuality.decode(Arrays.copyOf(encoded, encoded.length - 1)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> HostQuality.decode(Arrays.copyOf(encoded, encoded.length + 1)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("after a host quality");
        byte[] control = encoded.clone();
        control[control.length - 1] = 7;
        assertThatThrownBy(() -> HostQuality.decode(control)).hasMessageContaining("printable");
        byte[] highByte = encoded.clone();
        highByte[highByte.length - 1] = (byte) 0xE9;
        assertThatThrownBy(() -> HostQuality.decode(highByte)).hasMessageContaining("printable");
    }

    @Test
    void shouldRefuseAGeoTagThatIsNotPrintableAsciiWhereItIsSet() {
        assertThatThrownBy(() -> new HostQuality(1, 2, 3, 4, false, "eu\twest"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eu\twest");
        assertThatThrownBy(() -> new KnownHostsConfig(64, 10_000, 60_000, 3_000, 0.05, 16, 4, "zürich"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zürich");
    }

    @Test
    void shouldRoundTripAPollCarryingThePollersQuality() throws Exception {
        PollRequest poll = new PollRequest(true, new HostQuality(1_000, 2, 3, 4, false, "x"));
        assertThat(PollRequest.decode(poll.encode())).isEqualTo(poll);
    }

    @Test
    void shouldRefuseAPollOfAnUnknownKindOrWithoutAQuality() {
        byte[] encoded = new PollRequest(false, new HostQuality(1, 2, 3, 4, false, "")).encode();
        byte[] unknownKind = encoded.clone();
        unknownKind[0] = 2;
        assertThatThrownBy(() -> PollRequest.decode(unknownKind)).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("unknown poll kind 2");
        assertThatThrownBy(() -> PollRequest.decode(new byte[] {1})).isInstanceOf(WireFormatException.class)
            .hasMessageContaining("truncated host quality");
        assertThatThrownBy(() -> PollRequest.decode(new byte[0])).hasMessageContaining("empty poll request");
    }

    @Test
    void shouldRoundTripHostSamplesIncludingIpv6AndNames() throws Exception {
        List<PeerAddress> hosts = List.of(address("10.0.0.1", 7000), address("::1", 1), address("node.example", 65_535));
        assertThat(HostSample.decode(HostSample.encode(hosts))).isEqualTo(hosts);
        assertThat(HostSample.decode(HostSample.encode(List.of()))).isEmpty();
    }

    @Test
    void shouldCarryRelayedAddressesInAHostSampleBesideDirectOnes() throws Exception {
        PeerAddress relay = address("203.0.113.7", 7000);
        PeerAddress relayed = PeerAddress.relayed(address("10.0.0.9", 7000).id(), relay);
        List<PeerAddress> hosts = List.of(address("10.0.0.1", 7000), relayed, relay);

        assertThat(HostSample.decode(HostSample.encode(hosts))).isEqualTo(hosts);
    }

    @Test
    void shouldRejectMalformedHostSamples() {
        byte[] encoded = HostSample.encode(List.of(address("10.0.0.1", 7000)));
        assertThatThrownBy(() -> HostSample.decode(Arrays.copyOf(encoded, encoded.length - 1)))
            .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        byte[] portZero = encoded.clone();
        portZero[portZero.length - 1] = 0;
        portZero[portZero.length - 2] = 0;
        assertThatThrownBy(() -> HostSample.decode(portZero)).hasMessageContaining("bad address");
    }

    @Test
    void shouldRefuseAHostSampleWhoseHostIsNotANameOrIpLiteral() {
        byte[] encoded = HostSample.encode(List.of(address("node.example", 7000)));
        int hostStart = 1 + 32 + 1;
        for (byte bad : new byte[] {(byte) 0xBE, ' ', '\n', 0x7F}) {
            byte[] hostile = encoded.clone();
            hostile[hostStart + 4] = bad;
            assertThatThrownBy(() -> HostSample.decode(hostile)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("not allowed in a host");
        }
    }

    @Test
    void shouldClassHostsBySubnetUptimeAndStorage() {
        assertThat(HostClass.subnetOf("192.168.1.77")).isEqualTo("192.168.1.0/24");
        assertThat(HostClass.subnetOf("2001:db8:85a3:0:0:8a2e:370:7334")).isEqualTo("2001:db8:85a3::/48");
        assertThat(HostClass.subnetOf("node.example")).isEqualTo("node.example");
        HostClass young = HostClass.of("a", new HostQuality(60_000, 0, 0, 0, false, ""));
        HostClass old = HostClass.of("a", new HostQuality(2L * 24 * 3_600_000, 200L << 30, 0, 0, false, ""));
        assertThat(young).isEqualTo(new HostClass("a", 0, 0));
        assertThat(old).isEqualTo(new HostClass("a", 2, 2));
    }
}
