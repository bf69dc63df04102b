package network.butter.wider;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.HostPort;

/**
 * Asks the router in front of this node to forward a port to it (UPnP IGD, NAT-PMP/PCP on a real node; the NAT
 * model's router in the simulator). The wider layer only asks for the mapping and dial-back checks the address it
 * gets like any other candidate; the protocol work with the router, and renewing the lease until {@link #unmap()},
 * is the implementation's.
 */
public interface PortMapping {

    /** No port mapping: no router asked, never an address ({@code --no-port-mapping}). */
    PortMapping NONE = new PortMapping() {
        @Override
        public CompletableFuture<Optional<HostPort>> map(int localPort) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public void unmap() {
        }
    };

    /**
     * Maps an external port of the router to {@code localPort} of this node, or returns the mapping already made.
     * The future may complete on any thread (a real mapper talks to the router off the node loop); the wider layer
     * carries on on its loop.
     *
     * @return the router's external address for the port, or empty when there is no router that maps ports
     */
    CompletableFuture<Optional<HostPort>> map(int localPort);

    /** Removes the mapping, if any; called once when the node stops. */
    void unmap();
}
