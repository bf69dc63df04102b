package network.butter.node.discover;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.NetworkInterface;
import java.net.SocketException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ways opening a discovery socket is refused. Each is detected before any socket exists, so these tests
 * send nothing on any network: multicast tests proper run in network namespaces (see butter-cli's lab tests).
 */
class NettyMulticastTest {

    private static EventLoopGroup loops;

    @BeforeAll
    static void startLoops() {
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    @Test
    void shouldNameTheMissingInterfaceAndListTheOnesThatExist() throws SocketException {
        String existing = NetworkInterface.networkInterfaces().findFirst().orElseThrow().getName();

        assertThatThrownBy(() -> NettyMulticast.open(loops.next(),
            DiscoveryConfig.defaults().withInterfaceName("butter-none0"), "0.0.0.0"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("no network interface named 'butter-none0' (this machine has: ")
            .hasMessageContaining(existing);
    }

    @Test
    void shouldRefuseAnInterfaceWithoutMulticast() throws SocketException {
        NetworkInterface loopback = NetworkInterface.getByName("lo");
        assumeTrue(loopback != null && loopback.isUp() && !loopback.supportsMulticast(),
            "needs an interface 'lo' that is up and has multicast off, as Linux sets it up");

        assertThatThrownBy(() -> NettyMulticast.open(loops.next(),
            DiscoveryConfig.defaults().withInterfaceName("lo"), "0.0.0.0"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("network interface 'lo' does not support multicast (on Linux: ip link set lo multicast on)");
    }

    @Test
    void shouldRefuseToGuessTheInterfaceForAnAddressNoInterfaceOwns() {
        // 192.0.2.0/24 is reserved for documentation: no machine owns it.
        assertThatThrownBy(() -> NettyMulticast.open(loops.next(), DiscoveryConfig.defaults(), "192.0.2.1"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("no network interface owns the listening address 192.0.2.1: name the discovery interface");
    }
}
