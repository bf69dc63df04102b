package network.butter.discover;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes the LAN discovery datagram decoder: anyone on the LAN can send any datagram to the multicast group.
 * Runs the checked-in corpus in every build; {@code scripts/fuzz.sh} fuzzes it for real.
 */
class BeaconFuzzTest {

    @FuzzTest
    void shouldDecodeAnyDatagramToABeaconOrARefusal(byte[] datagram) {
        Beacon beacon = DecoderContract.decode(datagram, Beacon::decode);
        if (beacon != null) {
            assertThat(beacon.encode()).as("a beacon has one encoding").isEqualTo(datagram);
        }
    }
}
