package network.butter.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import network.butter.api.Node;
import network.butter.identity.HostPort;
import network.butter.wider.PortMapping;

/**
 * The wider layer's {@link PortMapping} backed by a simulated router's {@link SimPortMapper}: in a node's setup,
 * {@code self.portMapper().map(SimPortMapping::start)} gives the mapping to hand to the node's {@code Wider} protocol
 * (a node whose router offers none gets a {@code Wider} without port mapping); where the setup sees only the
 * {@link Node}, {@link #forNode} finds the router once the node runs. It asks the router for the listening port, for
 * a lease of a day, longer than any simulated run, so it needs no renewing.
 */
public final class SimPortMapping implements PortMapping {

    private static final long LEASE_MS = 24 * 60 * 60_000L;

    private final List<Listener> listeners = new ArrayList<>();
    private Optional<HostPort> mapped = Optional.empty();

    private final Supplier<Optional<SimPortMapper>> router;
    private boolean asked;

    private SimPortMapping(Supplier<Optional<SimPortMapper>> router) {
        this.router = router;
    }

    /** Asks {@code mapper} to map the listening port, as a real node's mapper does at start; call it on the node loop. */
    public static SimPortMapping start(SimPortMapper mapper) {
        SimPortMapping mapping = new SimPortMapping(() -> Optional.of(mapper));
        mapping.ask();
        return mapping;
    }

    /**
     * The port mapping of {@code node}'s router in {@code simulation}, asked for when the wider layer first looks
     * (on the node loop, once the node runs); none if the node is public or its router offers no port mapping.
     */
    public static SimPortMapping forNode(Simulation simulation, Node node) {
        return new SimPortMapping(() -> {
            SimNode self = simulation.node(node.address().id());
            return self == null ? Optional.empty() : self.portMapper();
        });
    }

    private void ask() {
        if (asked) {
            return;
        }
        asked = true;
        router.get().ifPresent(mapper -> mapper.map(Simulation.LISTEN_PORT, Simulation.LISTEN_PORT, LEASE_MS)
            .thenAccept(address -> {
                mapped = Optional.of(address);
                List.copyOf(listeners).forEach(listener -> listener.mappedAddressChanged(mapped));
            }));
    }

    @Override
    public Optional<HostPort> mappedAddress() {
        ask();
        return mapped;
    }

    @Override
    public void onChange(Listener listener) {
        listeners.add(listener);
        ask();
    }
}
