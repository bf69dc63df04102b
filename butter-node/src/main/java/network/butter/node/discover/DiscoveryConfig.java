package network.butter.node.discover;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import network.butter.discover.LanDiscoveryConfig;

/**
 * How a node looks for peers on its LAN with UDP multicast (IPv4). Discovery is off unless a node is given one
 * of these, so a library user never multicasts on a real network by surprise.
 *
 * <p>The default group, {@value #DEFAULT_GROUP}, lies in 239.255.0.0/16, the IPv4 "local scope" that routers
 * do not forward beyond a site; datagrams also go out with a TTL of 1, so they never leave the LAN segment.
 * The default port, {@value #DEFAULT_PORT}, is UDP and unrelated to the node's TCP port.
 *
 * @param group         the IPv4 multicast group, as a literal address (no name lookup)
 * @param port          the UDP port of the group, 1–65535
 * @param interfaceName the network interface to multicast on (e.g. {@code eth0}), or null to use the one that
 *                      owns the node's listening address, or for a wildcard listening address the interface
 *                      the system routes the group through
 * @param timing        when to PING and PONG
 */
public record DiscoveryConfig(String group, int port, String interfaceName, LanDiscoveryConfig timing) {

    /** The multicast group nodes meet in unless configured otherwise. */
    public static final String DEFAULT_GROUP = "239.255.66.77";
    /** The UDP port of the group unless configured otherwise. */
    public static final int DEFAULT_PORT = 7447;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the group is not an IPv4 multicast literal or the port is out of range
     */
    public DiscoveryConfig {
        groupAddress(group);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("discovery port must be 1-65535, got " + port);
        }
        if (interfaceName != null && interfaceName.isBlank()) {
            throw new IllegalArgumentException("discovery interface name is blank");
        }
        Objects.requireNonNull(timing, "timing");
    }

    /** The default group and port, the interface derived from the listening address, default timing. */
    public static DiscoveryConfig defaults() {
        return new DiscoveryConfig(DEFAULT_GROUP, DEFAULT_PORT, null, LanDiscoveryConfig.defaults());
    }

    /** A copy with another group (an IPv4 multicast literal such as {@code 239.255.1.2}). */
    public DiscoveryConfig withGroup(String value) {
        return new DiscoveryConfig(value, port, interfaceName, timing);
    }

    /** A copy with another UDP port. */
    public DiscoveryConfig withPort(int value) {
        return new DiscoveryConfig(group, value, interfaceName, timing);
    }

    /** A copy that multicasts on the named interface, or on the derived one if {@code value} is null. */
    public DiscoveryConfig withInterfaceName(String value) {
        return new DiscoveryConfig(group, port, value, timing);
    }

    /** A copy with other PING and PONG timing. */
    public DiscoveryConfig withTiming(LanDiscoveryConfig value) {
        return new DiscoveryConfig(group, port, interfaceName, value);
    }

    /** The group as an address. */
    public InetAddress groupAddress() {
        return groupAddress(group);
    }

    /**
     * Parses the group by hand rather than with {@link InetAddress#getByName}, which would look a mistyped
     * group up in DNS instead of rejecting it.
     */
    private static InetAddress groupAddress(String group) {
        Objects.requireNonNull(group, "group");
        String[] parts = group.strip().split("\\.", -1);
        byte[] bytes = new byte[4];
        boolean literal = parts.length == 4;
        for (int i = 0; literal && i < 4; i++) {
            literal = parts[i].matches("\\d{1,3}") && Integer.parseInt(parts[i]) <= 255;
            bytes[i] = literal ? (byte) Integer.parseInt(parts[i]) : 0;
        }
        if (!literal) {
            throw new IllegalArgumentException("discovery group must be an IPv4 address such as " + DEFAULT_GROUP
                + ", got '" + group + "'");
        }
        InetAddress address;
        try {
            address = Inet4Address.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("discovery group '" + group + "': " + e.getMessage(), e);
        }
        if (!address.isMulticastAddress()) {
            throw new IllegalArgumentException("discovery group must be an IPv4 multicast address (224.0.0.0 to "
                + "239.255.255.255), got " + group);
        }
        return address;
    }
}
