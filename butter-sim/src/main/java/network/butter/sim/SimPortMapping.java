package network.butter.sim;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.identity.HostPort;
import network.butter.wider.PortMapping;

/**
 * The wider layer's {@link PortMapping} backed by a simulated router's {@link SimPortMapper}: give it to the node's
 * {@code Wider} protocol as {@code new SimPortMapping(self.portMapper())}. A node whose router offers no port
 * mapping gets no mapped address, as with {@link PortMapping#NONE}. The lease lasts a day, longer than any simulated
 * run, so it needs no renewing.
 */
public final class SimPortMapping implements PortMapping {

    private static final long LEASE_MS = 24 * 60 * 60_000L;

    private final Optional<SimPortMapper> mapper;
    private int mappedPort;

    /** @param mapper the node's router's port mapper, if it has one ({@link SimNode#portMapper()}) */
    public SimPortMapping(Optional<SimPortMapper> mapper) {
        this.mapper = mapper;
    }

    @Override
    public CompletableFuture<Optional<HostPort>> map(int localPort) {
        if (mapper.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return mapper.get().map(localPort, localPort, LEASE_MS).thenApply(address -> {
            mappedPort = address.port();
            return Optional.of(address);
        });
    }

    @Override
    public void unmap() {
        if (mapper.isPresent() && mappedPort > 0) {
            mapper.get().unmap(mappedPort);
        }
    }
}
