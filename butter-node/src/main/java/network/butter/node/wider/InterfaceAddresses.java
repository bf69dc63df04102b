package network.butter.node.wider;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses of this machine that other machines can dial, best first, for a node listening on a given host.
 *
 * <p>A node bound to a wildcard address ({@code 0.0.0.0} or {@code ::}) listens on every interface, but a wildcard is
 * not an address anyone can dial, and {@code InetAddress.getLocalHost()} usually names a loopback address on Linux.
 * So the interfaces are asked: addresses that are globally routable come first, then private LAN addresses (what two
 * hosts on one home network use), IPv4 before IPv6 in each class; link-local addresses are left out (they need a
 * zone and rarely work across hosts) and loopback comes last, only when there is nothing else. A node bound to one
 * address is dialled there.
 */
public final class InterfaceAddresses {

    private InterfaceAddresses() {
    }

    /**
     * The hosts to advertise for a node bound to {@code bindHost}, best first; never empty.
     *
     * @param bindHost the host the node listens on (a name, a literal, or a wildcard)
     */
    public static List<String> dialable(String bindHost) {
        InetAddress bound;
        try {
            bound = InetAddress.getByName(bindHost);
        } catch (UnknownHostException e) {
            return List.of(bindHost);
        }
        if (!bound.isAnyLocalAddress()) {
            return List.of(bound.getHostAddress());
        }
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (nic.isUp()) {
                    nic.inetAddresses().forEach(found::add);
                }
            }
        } catch (SocketException e) {
            return List.of(InetAddress.getLoopbackAddress().getHostAddress());
        }
        return rank(found, bound instanceof Inet6Address);
    }

    /**
     * Orders candidate addresses best first, leaving out those no other host can dial.
     *
     * @param addresses    the addresses of the machine's interfaces
     * @param allowIpv6    whether the node listens on IPv6 too (bound to {@code ::})
     * @return host literals, best first; the loopback address when nothing else is left
     */
    static List<String> rank(List<InetAddress> addresses, boolean allowIpv6) {
        List<String> ranked = addresses.stream()
            .filter(address -> allowIpv6 || address instanceof Inet4Address)
            .filter(address -> rankOf(address) < Integer.MAX_VALUE)
            .sorted(Comparator.comparingInt(InterfaceAddresses::rankOf))
            .map(InetAddress::getHostAddress)
            .map(InterfaceAddresses::withoutZone)
            .distinct()
            .toList();
        return ranked.isEmpty() ? List.of(InetAddress.getLoopbackAddress().getHostAddress()) : ranked;
    }

    private static int rankOf(InetAddress address) {
        boolean v4 = address instanceof Inet4Address;
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
            || address.isMulticastAddress()) {
            return Integer.MAX_VALUE;
        }
        boolean lan = address.isSiteLocalAddress() || isUniqueLocal(address) || isSharedOrBenchmark(address);
        return (lan ? 2 : 0) + (v4 ? 0 : 1);
    }

    /** IPv6 unique local addresses (fc00::/7) are the private ranges of IPv6. */
    private static boolean isUniqueLocal(InetAddress address) {
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    /** 100.64.0.0/10 (carrier-grade NAT) and 198.18.0.0/15 (benchmarking) are not reachable from the internet. */
    private static boolean isSharedOrBenchmark(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        byte[] b = address.getAddress();
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        return first == 100 && second >= 64 && second < 128 || first == 198 && (second == 18 || second == 19);
    }

    private static String withoutZone(String host) {
        int percent = host.indexOf('%');
        return percent < 0 ? host : host.substring(0, percent);
    }
}
