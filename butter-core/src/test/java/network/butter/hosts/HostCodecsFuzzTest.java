package network.butter.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes the known-hosts protocol's decoders: a polled peer's quality report and a peer-exchange sample, both
 * written by whoever answers. Runs the checked-in corpus in every build; {@code scripts/fuzz.sh} fuzzes them for
 * real.
 */
class HostCodecsFuzzTest {

    @FuzzTest
    void shouldDecodeAnyHostSampleToHostsOrARefusal(byte[] bytes) {
        List<PeerAddress> hosts = DecoderContract.decode(bytes, HostSample::decode);
        if (hosts != null) {
            assertThat(HostSample.encode(hosts)).as("a host sample has one encoding").isEqualTo(bytes);
        }
    }

    @FuzzTest
    void shouldDecodeAnyPollReplyToAQualityOrARefusal(byte[] bytes) {
        HostQuality quality = DecoderContract.decode(bytes, HostQuality::decode);
        if (quality != null) {
            assertThat(DecoderContract.decodeOwn(quality.encode(), HostQuality::decode)).isEqualTo(quality);
        }
    }
}
