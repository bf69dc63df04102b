package network.butter.identity;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where to reach a peer, and who it must be: a peer id plus the host and port it listens on, or, for a peer that
 * cannot be dialled directly (behind a home router), the relay that forwards to it.
 *
 * <p>Dialling a {@code PeerAddress} succeeds only if the node answering proves it holds the key of {@code id}; an
 * impostor is refused. A <em>relayed</em> address ({@link #relay()} not null) names the relay's id and its
 * {@code host:port}: the dialler connects to the relay, which forwards an end-to-end encrypted circuit to the
 * peer, so the relay can neither read nor forge what passes (see the {@code wider} layer).
 *
 * <p>The text form is {@code id@host:port} (IPv6 hosts in brackets), or {@code id@host:port/via/relayId} for a
 * relayed address, which {@link #parse(String)} reads back.
 *
 * @param id    who the peer is
 * @param host  its host name or literal IP address; for a relayed address, the relay's
 * @param port  its listening TCP port, 1–65535; for a relayed address, the relay's
 * @param relay the relay's id for a relayed address, or null for a direct one
 */
public record PeerAddress(PeerId id, String host, int port, PeerId relay) {

    /** The separator between a relay's address and its id in the text form. */
    public static final String VIA = "/via/";

    /** A direct address: the peer listens at {@code host:port} itself. */
    public PeerAddress(PeerId id, String host, int port) {
        this(id, host, port, null);
    }

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
        if (id.equals(relay)) {
            throw new IllegalArgumentException("a peer cannot be its own relay: " + id);
        }
    }

    /** A relayed address: {@code peer} reached through the relay at {@code relayAddress}. */
    public static PeerAddress relayed(PeerId peer, PeerAddress relayAddress) {
        if (relayAddress.isRelayed()) {
            throw new IllegalArgumentException("a relay must be reachable directly, not through " + relayAddress.relay());
        }
        return new PeerAddress(peer, relayAddress.host(), relayAddress.port(), relayAddress.id());
    }

    /** Whether this address goes through a relay. */
    public boolean isRelayed() {
        return relay != null;
    }

    /**
     * The relay's own (direct) address.
     *
     * @throws IllegalStateException if this address is direct
     */
    public PeerAddress relayAddress() {
        if (relay == null) {
            throw new IllegalStateException(this + " is a direct address");
        }
        return new PeerAddress(relay, host, port);
    }

    /** A peer address from a socket address, using its literal IP address when it has one. */
    public static PeerAddress of(PeerId id, InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return new PeerAddress(id, host, address.getPort());
    }

    /**
     * Parses {@code id@host:port}, e.g. {@code Xk3…q8@127.0.0.1:7000} or {@code Xk3…q8@[::1]:7000}, or a relayed
     * {@code id@host:port/via/relayId}.
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
        String rest = text.substring(at + 1);
        int via = rest.indexOf(VIA);
        PeerId relay = via < 0 ? null : PeerId.parse(rest.substring(via + VIA.length()));
        HostPort hostPort = HostPort.parse(via < 0 ? rest : rest.substring(0, via));
        return new PeerAddress(id, hostPort.host(), hostPort.port(), relay);
    }

    /** The host and port without the identity (a relay's, for a relayed address). */
    public HostPort hostPort() {
        return new HostPort(host, port);
    }

    /** The unresolved socket address, for dialling. */
    public InetSocketAddress socketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code id@host:port} or {@code id@host:port/via/relayId}, the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return relay == null ? id + "@" + hostPort() : id + "@" + hostPort() + VIA + relay;
    }
}
