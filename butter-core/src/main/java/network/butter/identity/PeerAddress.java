package network.butter.identity;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where to reach a peer, and who it must be: a peer id plus the host and port it listens on.
 *
 * <p>Dialling a {@code PeerAddress} succeeds only if the node answering at {@code host:port} proves it holds
 * the key of {@code id}; an impostor is refused. The text form is {@code id@host:port} (IPv6 hosts in
 * brackets), which {@link #parse(String)} reads back.
 *
 * @param id   who the peer is
 * @param host its host name or literal IP address
 * @param port its listening TCP port, 1–65535
 */
public record PeerAddress(PeerId id, String host, int port) {

    /** Validates the parts; see the record description. */
    public PeerAddress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** A peer address from a socket address, using its literal IP address when it has one. */
    public static PeerAddress of(PeerId id, InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new PeerAddress(id, host, address.getPort());
    }

    /**
     * Parses {@code id@host:port}, e.g. {@code Xk3…q8@127.0.0.1:7000} or {@code Xk3…q8@[::1]:7000}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static PeerAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("a peer address is id@host:port, '" + text + "' has no '@'");
        }
        PeerId id = PeerId.parse(text.substring(0, at));
        HostPort hostPort = HostPort.parse(text.substring(at + 1));
        return new PeerAddress(id, hostPort.host(), hostPort.port());
    }

    /** The host and port without the identity. */
    public HostPort hostPort() {
        return new HostPort(host, port);
    }

    /** The unresolved socket address, for dialling. */
    public InetSocketAddress socketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code id@host:port}, the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return id + "@" + hostPort();
    }
}
