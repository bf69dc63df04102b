package network.butter.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.butter.identity.HostPort;
import network.butter.wider.PortMapping;

/**
 * The wider layer's {@link PortMapping} backed by a simulated router's {@link SimPortMapper}: in a node's setup,
 * {@code self.portMapper().map(SimPortMapping::start)} gives the mapping to hand to the node's {@code Wider} protocol
 * (a node whose router offers none gets a {@code Wider} without port mapping). It asks the router for the listening
 * port at once, for a lease of a day, longer than any simulated run, so it needs no renewing.
 */
public final class SimPortMapping implements PortMapping {

    private static final long LEASE_MS = 24 * 60 * 60_000L;

    private final List<Listener> listeners = new ArrayList<>();
    private Optional<HostPort> mapped = Optional.empty();

    private SimPortMapping() {
    }

    /** Asks {@code mapper} to map the listening port, as a real node's mapper does at start; call it on the node loop. */
    public static SimPortMapping start(SimPortMapper mapper) {
        SimPortMapping mapping = new SimPortMapping();
        mapper.map(Simulation.LISTEN_PORT, Simulation.LISTEN_PORT, LEASE_MS).thenAccept(address -> {
            mapping.mapped = Optional.of(address);
            List.copyOf(mapping.listeners).forEach(listener -> listener.mappedAddressChanged(mapping.mapped));
        });
        return mapping;
    }

    @Override
    public Optional<HostPort> mappedAddress() {
        return mapped;
    }

    @Override
    public void onChange(Listener listener) {
        listeners.add(listener);
    }
}
