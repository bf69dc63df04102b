package network.butter.sim;

import java.util.concurrent.CompletableFuture;
import network.butter.identity.HostPort;

/**
 * The port-mapping service (UPnP IGD / NAT-PMP) of a simulated home router, as one node inside sees it: it opens a
 * public port on the router that forwards every incoming connection to the node's listening port, for a lease. The
 * wider layer asks it for the "mapped" candidate address it then has dialled back. Get it from
 * {@link SimNode#portMapper()}; call it on the node's loop (from the node's protocols), where its futures complete
 * after a round trip on the LAN.
 */
public final class SimPortMapper {

    private final Simulation simulation;
    private final SimNode node;
    private final HomeLan lan;

    SimPortMapper(Simulation simulation, SimNode node, HomeLan lan) {
        this.simulation = simulation;
        this.node = node;
        this.lan = lan;
    }

    /**
     * Asks the router to forward public port {@code externalPort} (or another if taken) to this node's listening
     * port {@code internalPort} for {@code leaseMs}; asking again before the lease ends renews it.
     *
     * @return the public address peers can dial; fails if {@code internalPort} is not the one the node listens on
     *         (the router would forward to a closed port)
     */
    public CompletableFuture<HostPort> map(int internalPort, int externalPort, long leaseMs) {
        CompletableFuture<HostPort> result = new CompletableFuture<>();
        if (leaseMs <= 0 || externalPort < 1 || externalPort > 65_535) {
            result.completeExceptionally(new IllegalArgumentException("need a positive lease and a port 1-65535, got "
                + leaseMs + " ms, port " + externalPort));
            return result;
        }
        int incarnation = node.incarnation();
        simulation.schedule(node, incarnation, 2 * simulation.latency(), () -> {
            if (internalPort != Simulation.LISTEN_PORT) {
                result.completeExceptionally(new IllegalArgumentException("the node listens on port "
                    + Simulation.LISTEN_PORT + ", not " + internalPort));
                return;
            }
            int port = lan.map(node, externalPort, simulation.nowMs() + leaseMs);
            result.complete(new HostPort(lan.publicIp(), port));
        });
        return result;
    }

    /** Asks the router to close the mapping of public port {@code externalPort}; completes after a LAN round trip. */
    public CompletableFuture<Void> unmap(int externalPort) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        simulation.schedule(node, node.incarnation(), 2 * simulation.latency(), () -> {
            lan.unmap(node, externalPort);
            result.complete(null);
        });
        return result;
    }

    /** The router's public IP address, without asking it. */
    public String publicIp() {
        return lan.publicIp();
    }
}
