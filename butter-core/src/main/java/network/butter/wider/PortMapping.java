package network.butter.wider;

import java.util.Optional;
import network.butter.identity.HostPort;

/**
 * A port mapping on this node's router (UPnP IGD, NAT-PMP or PCP), as the wider layer sees it: the public address the
 * router forwards to this node's listening port, if it has one now. The real node runs a client for those protocols
 * and offers it through this interface; the simulator offers its NAT model's mappings the same way. The wider layer
 * treats the address as a candidate to have dialled back, never as proof of reachability.
 */
public interface PortMapping {

    /** The router's public address that forwards to this node's listening port, or empty while there is none. */
    Optional<HostPort> mappedAddress();

    /**
     * Asks to be told whenever {@link #mappedAddress()} changes (a mapping made, its external port changed on renewal,
     * or lost). The listener is called on the mapper's own thread: protocol code hands the news to its node loop.
     */
    void onChange(Listener listener);

    /** Told of a changed mapped address. */
    @FunctionalInterface
    interface Listener {
        /** The mapped address is now {@code address} (empty: no mapping any more). */
        void mappedAddressChanged(Optional<HostPort> address);
    }
}
