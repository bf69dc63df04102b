package network.butter.node.portmap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IPv4 default route: the gateway a home router is (the one NAT-PMP and PCP talk to) and the interface behind
 * which UPnP devices are searched for. Read from the kernel's routing table, {@code /proc/net/route}.
 *
 * @param interfaceName the interface the default route leaves by, e.g. {@code eth0}
 * @param gateway       the router's address on that interface
 */
public record DefaultRoute(String interfaceName, Inet4Address gateway) {

    private static final Path PROC_NET_ROUTE = Path.of("/proc/net/route");

    /** The machine's IPv4 default route, or empty if there is none (or this is not Linux). */
    public static Optional<DefaultRoute> read() {
        try {
            return parse(Files.readString(PROC_NET_ROUTE));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The default route in a {@code /proc/net/route} text: the first line with destination and mask 0 and the
     * gateway flag, whose gateway is a little-endian hexadecimal IPv4 address.
     */
    static Optional<DefaultRoute> parse(String procNetRoute) {
        for (String line : procNetRoute.lines().skip(1).toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8) {
                continue;
            }
            int flags = Integer.parseInt(fields[3], 16);
            boolean gatewayFlag = (flags & 0x2) != 0;
            if (fields[1].equals("00000000") && fields[7].equals("00000000") && gatewayFlag) {
                long little = Long.parseLong(fields[2], 16);
                byte[] address = {(byte) little, (byte) (little >> 8), (byte) (little >> 16), (byte) (little >> 24)};
                try {
                    return Optional.of(new DefaultRoute(fields[0], (Inet4Address) InetAddress.getByAddress(address)));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are always an IPv4 address", e);
                }
            }
        }
        return Optional.empty();
    }

    /** This machine's IPv4 address on the route's interface: the internal address a mapping forwards to. */
    public Optional<Inet4Address> localAddress() {
        try {
            NetworkInterface networkInterface = NetworkInterface.getByName(interfaceName);
            if (networkInterface == null) {
                return Optional.empty();
            }
            return networkInterface.inetAddresses()
                .filter(Inet4Address.class::isInstance)
                .map(Inet4Address.class::cast)
                .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
