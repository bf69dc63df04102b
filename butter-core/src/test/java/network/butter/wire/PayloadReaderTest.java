package network.butter.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import org.junit.jupiter.api.Test;

class PayloadReaderTest {

    private static final PeerId ID = PeerId.fromBytes(new byte[PeerId.LENGTH_BYTES]);

    private static byte[] addressWithHost(byte[] host) {
        return new PayloadWriter(64).raw(ID.toBytes()).u16(host.length).raw(host).u16(7000).toByteArray();
    }

    @Test
    void shouldReadAddressesWhoseHostIsANameOrAnIpLiteral() throws WireFormatException {
        for (String host : new String[] {"10.0.0.1", "::1", "fe80::1%eth0", "node.example"}) {
            byte[] bytes = addressWithHost(host.getBytes(StandardCharsets.US_ASCII));
            assertThat(new PayloadReader(bytes, "address").address()).isEqualTo(new PeerAddress(ID, host, 7000));
        }
    }

    @Test
    void shouldRefuseAnAddressWhoseHostIsNotPrintableAsciiOrHasABadLength() {
        byte[] tooLong = new byte[HostPort.MAX_HOST_CHARS + 1];
        Arrays.fill(tooLong, (byte) 'a');
        byte[][] hosts = {
            {'n', (byte) 0xBE, 'e'}, "a b".getBytes(StandardCharsets.US_ASCII), {'a', '\n'}, {0x7F}, {}, tooLong,
            "nœud".getBytes(StandardCharsets.UTF_8), "[x".getBytes(StandardCharsets.US_ASCII),
            "x@y".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] host : hosts) {
            assertThatThrownBy(() -> new PayloadReader(addressWithHost(host), "address").address())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("a bad address");
        }
    }
}
