package network.butter.node.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import network.butter.identity.HostPort;
import network.butter.wider.PortMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a TCP port of this machine mapped on its home router, so that peers on the internet can dial it: asks the
 * default gateway by PCP, then by NAT-PMP (one UDP exchange each, on the same port: NAT-PMP is not tried where PCP had
 * no answer at all), then any UPnP Internet Gateway Device on the default route's interface; renews the lease when half
 * of it is gone; removes the mapping on {@link #close()}. A router that answers neither, or refuses, leaves the node as
 * it was: the mapper logs why, tries again later (after a minute, then less and less often), and never throws into its
 * caller.
 *
 * <p>All the work runs on one daemon thread of its own; every exchange with the router is bounded in time (see
 * {@link PortMapperConfig}), so {@link #close()} returns within a few seconds whatever the router does.
 */
public final class PortMapper implements PortMapping, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortMapper.class);
    /** How long {@link #close()} waits for the router to confirm the removal, besides the work in progress. */
    private static final long CLOSE_LIMIT_MS = 8_000;

    private final PortMapperConfig config;
    private final Supplier<Optional<DefaultRoute>> routes;
    private final ScheduledExecutorService thread;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private volatile Mapping mapping;
    private volatile String problem = "not started";
    private volatile int renewals;
    private volatile boolean closed;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Optional<Mapping>> firstAttempt = new CompletableFuture<>();
    // Touched on the mapper's thread only.
    private Gateway gateway;
    private int internalPort;
    private InetAddress listenAddress;
    private long retryMs;
    private ScheduledFuture<?> next;

    PortMapper(PortMapperConfig config, Supplier<Optional<DefaultRoute>> routes) {
        this.config = config;
        this.routes = routes;
        this.retryMs = config.retryAfterMs();
        this.thread = Executors.newSingleThreadScheduledExecutor(task ->
            Thread.ofPlatform().name("butter-port-mapping").daemon().unstarted(task));
    }

    /** A mapper for this machine's router: the gateway of its IPv4 default route. */
    public static PortMapper create(PortMapperConfig config) {
        return new PortMapper(config, DefaultRoute::read);
    }

    /**
     * Starts mapping {@code localPort} (asking the router for the same external port) and keeping it mapped.
     *
     * @param listenAddress the address the port listens on: the wildcard, or this machine's address on the default
     *                      route's interface (else the router could not reach it)
     * @return {@link #firstAttempt()}
     * @throws IllegalStateException if it was started before (once closed, it completes empty)
     */
    public CompletableFuture<Optional<Mapping>> start(int localPort, InetAddress listenAddress) {
        if (started.getAndSet(true)) {
            throw new IllegalStateException("the port mapper was started before");
        }
        try {
            thread.execute(() -> {
                internalPort = localPort;
                this.listenAddress = listenAddress;
                firstAttempt.complete(attempt());
            });
        } catch (RejectedExecutionException closedAlready) {
            firstAttempt.complete(Optional.empty());
        }
        return firstAttempt;
    }

    /**
     * Completes once with the first try's mapping, or empty if that try failed ({@link #problem()} says why); later
     * changes go to the {@link #onChange} listeners.
     */
    public CompletableFuture<Optional<Mapping>> firstAttempt() {
        return firstAttempt;
    }

    /** The mapping in force, if any. */
    public Optional<Mapping> mapping() {
        return Optional.ofNullable(mapping);
    }

    @Override
    public Optional<HostPort> mappedAddress() {
        return mapping().map(Mapping::external);
    }

    @Override
    public void onChange(Listener listener) {
        listeners.add(listener);
    }

    /** Why there is no mapping now, for the command line: the last failure, or "not started". */
    public String problem() {
        return problem;
    }

    /** How many times the lease was renewed: for tests and diagnostics. */
    public int renewals() {
        return renewals;
    }

    private Optional<Mapping> attempt() {
        if (closed) {
            return Optional.empty();
        }
        try {
            Mapping made = mapNow();
            retryMs = config.retryAfterMs();
            settle(made);
            log.info("port mapping: {} (lease {} s)", made.describe(), made.leaseSeconds());
            scheduleRenewal(made);
            return Optional.of(made);
        } catch (PortMappingException | RuntimeException e) {
            problem = e instanceof PortMappingException ? e.getMessage() : "unexpected failure: " + e;
            log.info("port mapping: none ({}); trying again in {} s", problem, retryMs / 1000);
            schedule(this::attempt, retryMs);
            retryMs = Math.min(retryMs * 2, PortMapperConfig.MAX_RETRY_MS);
            return Optional.empty();
        }
    }

    private Mapping mapNow() throws PortMappingException {
        DefaultRoute route = routes.get().orElseThrow(() ->
            new PortMappingException("no IPv4 default route, so no router to ask"));
        Inet4Address local = route.localAddress().orElseThrow(() ->
            new PortMappingException("no IPv4 address on " + route.interfaceName()
                + ", the default route's interface"));
        if (!listenAddress.isAnyLocalAddress() && !listenAddress.equals(local)) {
            throw new PortMappingException("listening on " + listenAddress.getHostAddress() + " only, not on "
                + local.getHostAddress() + " where the router (" + route.gateway().getHostAddress() + ") forwards");
        }
        List<String> failures = new ArrayList<>();
        boolean gatewaySilent = false;
        for (MappingMethod method : config.methods()) {
            if (method == MappingMethod.NAT_PMP && gatewaySilent) {
                // PCP and NAT-PMP share the port: where one had no answer, the other would wait for none too.
                failures.add("NAT-PMP: not tried, nothing answers PCP on the same port");
                continue;
            }
            try {
                Gateway candidate = switch (method) {
                    case PCP -> new PcpGateway(new InetSocketAddress(route.gateway(), config.natPmpPort()), local,
                        random);
                    case NAT_PMP -> new NatPmpGateway(new InetSocketAddress(route.gateway(), config.natPmpPort()));
                    case UPNP -> UpnpGateway.discover(networkInterface(route), local, config.searchTimeoutMs(),
                        config.requestTimeout());
                };
                Mapping made;
                try {
                    made = candidate.map(internalPort, internalPort, config.leaseSeconds());
                } catch (PortMappingException e) {
                    candidate.close();
                    throw e;
                }
                replaceGateway(candidate);
                return made;
            } catch (UdpExchange.SilentGateway e) {
                gatewaySilent = true;
                failures.add(e.getMessage());
            } catch (PortMappingException e) {
                failures.add(e.getMessage());
            }
        }
        throw new PortMappingException(String.join("; ", failures));
    }

    private void replaceGateway(Gateway next) {
        if (gateway != null && gateway != next) {
            gateway.close();
        }
        gateway = next;
    }

    private static NetworkInterface networkInterface(DefaultRoute route) throws PortMappingException {
        try {
            NetworkInterface found = NetworkInterface.getByName(route.interfaceName());
            if (found == null) {
                throw new PortMappingException("UPnP: no interface " + route.interfaceName());
            }
            return found;
        } catch (SocketException e) {
            throw new PortMappingException("UPnP: cannot read interface " + route.interfaceName(), e);
        }
    }

    private void scheduleRenewal(Mapping made) {
        if (made.leaseSeconds() > 0) {
            schedule(this::renew, Math.max(1_000, made.leaseSeconds() * 1000 / 2));
        }
    }

    private void renew() {
        Mapping current = mapping;
        if (closed || current == null) {
            return;
        }
        try {
            Mapping renewed = gateway.map(internalPort, current.external().port(), config.leaseSeconds());
            renewals++;
            if (!renewed.equals(current)) {
                log.info("port mapping: now {} (lease {} s)", renewed.describe(), renewed.leaseSeconds());
            }
            settle(renewed);
            scheduleRenewal(renewed);
        } catch (PortMappingException | RuntimeException e) {
            problem = "renewal failed: " + (e instanceof PortMappingException ? e.getMessage() : e.toString());
            log.info("port mapping: {} lost, {}", current.describe(), problem);
            replaceGateway(null);
            settle(null);
            attempt();
        }
    }

    private void settle(Mapping now) {
        Mapping before = mapping;
        mapping = now;
        Optional<HostPort> before0 = Optional.ofNullable(before).map(Mapping::external);
        Optional<HostPort> after = Optional.ofNullable(now).map(Mapping::external);
        if (!before0.equals(after)) {
            for (Listener listener : listeners) {
                try {
                    listener.mappedAddressChanged(after);
                } catch (RuntimeException e) {
                    log.warn("port mapping: a listener failed on {}", after, e);
                }
            }
        }
    }

    private void schedule(Runnable task, long delayMs) {
        if (!closed) {
            next = thread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Removes the mapping from the router (if there is one) and stops the mapper's thread. Waits for the work in
     * progress and the removal at most a few seconds; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(this::removeMapping).get(CLOSE_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.info("port mapping: not removed within {} ms ({}); the router drops it when its lease ends",
                CLOSE_LIMIT_MS, e.toString());
        } finally {
            thread.shutdownNow();
            firstAttempt.complete(Optional.empty());
        }
    }

    private void removeMapping() {
        if (next != null) {
            next.cancel(false);
        }
        Mapping current = mapping;
        if (current == null) {
            replaceGateway(null);
            return;
        }
        try {
            gateway.unmap(current);
            log.info("port mapping: removed {}", current.describe());
        } catch (PortMappingException e) {
            log.info("port mapping: could not remove {} ({}); the router drops it when its lease ends",
                current.describe(), e.getMessage());
        }
        replaceGateway(null);
        settle(null);
    }
}
