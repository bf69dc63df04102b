package network.butter.node.discover;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.stream.Collectors;

/**
 * Picks the network interface discovery multicasts on, and checks it can: a named interface must exist, be up,
 * support multicast and have an IPv4 address. Each refusal says which of these failed, since "multicast does
 * not work" is otherwise hard to diagnose. Nothing is sent while choosing.
 */
final class MulticastInterface {

    private MulticastInterface() {
    }

    /**
     * The interface to use.
     *
     * @param interfaceName the configured interface, or null to derive it
     * @param listenHost    the node's listening address: its owner is used, or for a wildcard address the
     *                      interface the system would route the group through
     * @param group         the multicast group
     * @throws IllegalArgumentException if the interface cannot be found or cannot multicast
     */
    static NetworkInterface resolve(String interfaceName, String listenHost, InetAddress group) {
        try {
            NetworkInterface chosen = interfaceName != null ? byName(interfaceName) : derived(listenHost, group);
            return usable(chosen);
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot inspect the network interfaces: " + e.getMessage(), e);
        }
    }

    private static NetworkInterface byName(String name) throws SocketException {
        NetworkInterface found = NetworkInterface.getByName(name);
        if (found == null) {
            String known = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .map(NetworkInterface::getName).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException("no network interface named '" + name + "' (this machine has: "
                + known + ")");
        }
        return found;
    }

    private static NetworkInterface derived(String listenHost, InetAddress group) throws SocketException {
        InetAddress listen;
        try {
            listen = InetAddress.getByName(listenHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the listening address '" + listenHost
                + "' to find the discovery interface", e);
        }
        if (listen.isAnyLocalAddress()) {
            return routedTo(group);
        }
        NetworkInterface owner = NetworkInterface.getByInetAddress(listen);
        if (owner == null) {
            throw new IllegalArgumentException("no network interface owns the listening address " + listenHost
                + ": name the discovery interface");
        }
        return owner;
    }

    /**
     * The interface the system routes the group through: connecting a UDP socket only makes the kernel choose
     * a source address by its routes, no datagram is sent.
     */
    private static NetworkInterface routedTo(InetAddress group) throws SocketException {
        InetAddress source = null;
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(group, 9);
            source = probe.getLocalAddress();
        } catch (UncheckedIOException | SocketException e) {
            // No route to the group: reported below.
        }
        NetworkInterface routed = source == null || source.isAnyLocalAddress()
            ? null : NetworkInterface.getByInetAddress(source);
        if (routed == null) {
            throw new IllegalArgumentException("the system has no route to the discovery group "
                + group.getHostAddress() + ": name the discovery interface");
        }
        return routed;
    }

    private static NetworkInterface usable(NetworkInterface candidate) throws SocketException {
        String name = candidate.getName();
        if (!candidate.isUp()) {
            throw new IllegalArgumentException("network interface '" + name + "' is down");
        }
        if (!candidate.supportsMulticast()) {
            throw new IllegalArgumentException("network interface '" + name + "' does not support multicast "
                + "(on Linux: ip link set " + name + " multicast on)");
        }
        boolean hasIpv4 = candidate.inetAddresses().anyMatch(Inet4Address.class::isInstance);
        if (!hasIpv4) {
            throw new IllegalArgumentException("network interface '" + name + "' has no IPv4 address");
        }
        return candidate;
    }
}
