package network.butter.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes the parsers of peer ids and addresses, in the forms peers and users hand them over: 32 raw bytes (TLS
 * certificates, beacons, every address on the wire) and the text forms ({@code id}, {@code id@host:port}) read
 * from command lines, configuration and logs. Their documented refusal is an {@link IllegalArgumentException}.
 * Runs the checked-in corpus in every build; {@code scripts/fuzz.sh} fuzzes them for real.
 */
class IdentityFuzzTest {

    @FuzzTest
    void shouldReadAnyBytesAsAPeerIdOrRefuseThem(byte[] bytes) {
        PeerId id = DecoderContract.parse(bytes, bytes.length, PeerId::fromBytes);
        if (id != null) {
            assertThat(id.toBytes()).isEqualTo(bytes);
            assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        }
    }

    @FuzzTest
    void shouldParseAnyTextAsAPeerIdOrRefuseIt(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        PeerId id = DecoderContract.parse(text, bytes.length, PeerId::parse);
        if (id != null) {
            assertThat(id.toString()).as("a peer id has one text form").isEqualTo(text);
        }
    }

    @FuzzTest
    void shouldParseAnyTextAsAPeerAddressOrRefuseIt(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        PeerAddress address = DecoderContract.parse(text, bytes.length, PeerAddress::parse);
        if (address != null) {
            assertThat(PeerAddress.parse(address.toString())).isEqualTo(address);
        }
    }
}
