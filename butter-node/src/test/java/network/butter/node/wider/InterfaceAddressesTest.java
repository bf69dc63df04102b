package network.butter.node.wider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterfaceAddressesTest {

    @Test
    void shouldPutRoutableAddressesBeforeLanOnesAndLeaveOutLoopbackAndLinkLocal() throws UnknownHostException {
        List<String> ranked = InterfaceAddresses.rank(addresses("127.0.0.1", "fe80::1", "192.168.1.20", "169.254.3.4",
            "2001:db8::5", "203.0.113.9", "100.64.1.1", "fd00::7"), true);

        assertThat(ranked).containsExactly("203.0.113.9", "2001:db8:0:0:0:0:0:5", "192.168.1.20", "100.64.1.1",
            "fd00:0:0:0:0:0:0:7");
    }

    @Test
    void shouldOfferOnlyIpv4WhenTheNodeListensOnTheIpv4Wildcard() throws UnknownHostException {
        assertThat(InterfaceAddresses.rank(addresses("2001:db8::5", "10.0.0.3"), false)).containsExactly("10.0.0.3");
    }

    @Test
    void shouldFallBackToLoopbackWhenNoOtherHostCouldDialAnyAddress() throws UnknownHostException {
        assertThat(InterfaceAddresses.rank(addresses("127.0.0.1", "fe80::1"), true))
            .containsExactly(InetAddress.getLoopbackAddress().getHostAddress());
    }

    @Test
    void shouldDialANodeBoundToOneAddressThere() {
        assertThat(InterfaceAddresses.dialable("127.0.0.1")).containsExactly("127.0.0.1");
        assertThat(InterfaceAddresses.dialable("0.0.0.0")).isNotEmpty().doesNotContain("0.0.0.0");
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> list = new ArrayList<>();
        for (String literal : literals) {
            list.add(InetAddress.getByName(literal));
        }
        return list;
    }
}
