package network.butter.wider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import network.butter.env.PathKind;
import network.butter.env.WiderTransport;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wider layer: how a node takes part in a network that spans NATs. Install it after {@link KnownHosts}, which
 * it takes its peers and ambassadors from; on a transport without a {@link WiderTransport} it stays off.
 *
 * <ul>
 *   <li><b>Reachability</b> ({@link #DIALBACK_ROUTE}): peers tell this node the address they see it at and dial its
 *       candidate addresses back; the rule in {@link Verdict} makes it {@link Reachability#PUBLIC},
 *       {@link Reachability#PRIVATE} or unknown, and it advertises only a dialled-back address
 *       ({@link WiderTransport#advertise}). See {@link ReachabilityCheck} for when it checks and whom it asks, and
 *       {@link DialbackService} for the bounds of the serving side. A node a peer saw behind a NAT, without a port
 *       mapping, is presumed private until a verdict: it takes reservations and advertises a relayed address at
 *       once.</li>
 *   <li><b>Ambassador</b>: by {@link WiderConfig#ambassador()}; automatically while public and the
 *       {@link RelayBudget} allows relaying. Its known-host polls say so, and other nodes keep some ambassadors.</li>
 *   <li><b>Relays</b> ({@link #RESERVE_ROUTE}): an ambassador grants reservations and gates circuits
 *       ({@link RelayService}); a private node keeps reservations ({@link Reservations}) and advertises its address
 *       through the first of its relays.</li>
 *   <li><b>Hole punching</b> ({@link #PUNCH_ROUTE}): a relayed connection is upgraded to a direct one where the NATs
 *       allow ({@link Punching}).</li>
 * </ul>
 */
public final class Wider implements Protocol {

    /** Route: dial my candidate addresses back and tell me how you see me. */
    public static final String DIALBACK_ROUTE = "butter/wider/dialback";
    /** Route: take, renew or release a relay reservation. */
    public static final String RESERVE_ROUTE = "butter/wider/reserve";
    /** Route: coordinate a hole punch (connect, then sync). */
    public static final String PUNCH_ROUTE = "butter/wider/punch";

    private static final Logger log = LoggerFactory.getLogger(Wider.class);

    private final WiderConfig config;
    private final PortMapping portMapping;
    private final List<Consumer<WiderState>> listeners = new CopyOnWriteArrayList<>();
    private volatile WiderState state = WiderState.INITIAL;
    private ProtocolContext ctx;
    private WiderTransport wider;
    private KnownHosts knownHosts;
    private ReachabilityCheck check;
    private RelayService relay;
    private Reservations reservations;
    private Punching punching;
    private Reachability reachability = Reachability.UNKNOWN;
    private List<HostPort> confirmed = List.of();
    private PeerAddress advertised;
    private PeerAddress listening;
    private boolean servingRelay;
    private boolean stopped;

    /**
     * A wider layer whose node has a port mapping on its router: the mapped address becomes a candidate to have
     * dialled back.
     *
     * @param config      roles, intervals and bounds
     * @param portMapping the router's port mapping, run by the node (which makes and removes it)
     */
    public Wider(WiderConfig config, PortMapping portMapping) {
        this.config = Objects.requireNonNull(config, "config");
        this.portMapping = Objects.requireNonNull(portMapping, "portMapping");
    }

    /** A wider layer without port mapping ({@code --no-port-mapping}, or no router that offers it). */
    public Wider(WiderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.portMapping = null;
    }

    @Override
    public String name() {
        return "wider";
    }

    @Override
    public void start(ProtocolContext context) {
        this.ctx = context;
        Optional<WiderTransport> transport = context.wider();
        if (transport.isEmpty()) {
            log.debug("{}: the transport cannot cross NATs, the wider layer stays off", context.self().id().shortForm());
            return;
        }
        wider = transport.get();
        knownHosts = context.protocol(KnownHosts.class).orElse(null);
        listening = context.self();
        HostPort listen = listening.hostPort();
        check = new ReachabilityCheck(config, context, this::hosts, listen, this::onVerdict, this::relayingChanged);
        relay = new RelayService(config.relayBudget(), config.reservationTtlMs(), context.loop()::nowMillis,
            () -> servingRelay);
        reservations = new Reservations(config, context, wider, this::hosts, this::relaysChanged);
        punching = new Punching(config, context, wider, check::candidates, this::addressOf);
        DialbackService dialback = new DialbackService(config, context, wider);
        context.handleAsync(DIALBACK_ROUTE, dialback::handle);
        context.handle(RESERVE_ROUTE, request -> relay.reserve(request, wider.observedAddress(request.from().id())));
        context.handle(PUNCH_ROUTE, punching::handle);
        context.onPeerFailed((peer, cause) -> {
            reservations.peerFailed(peer);
            relay.forget(peer);
        });
        context.onPeerHeard(punching::heard);
        if (knownHosts != null) {
            knownHosts.reportAmbassador(this::ambassador);
            knownHosts.onAdmitted(host -> check.hostAdmitted());
        }
        if (portMapping != null) {
            portMapping.onChange(mapped -> context.loop().execute(() -> {
                if (!stopped) {
                    check.mapped(mapped.orElse(null));
                }
            }));
            portMapping.mappedAddress().ifPresent(check::mapped);
        }
        updateRole();
        check.start();
    }

    @Override
    public void stop() {
        stopped = true;
        if (wider == null) {
            return;
        }
        check.stop();
        reservations.stop();
        if (servingRelay) {
            wider.serveRelay(null);
        }
    }

    /** The current state; safe to read from any thread. */
    public WiderState state() {
        return state;
    }

    /**
     * Calls {@code listener} with every new state from now on, off the node loop (a slow listener cannot stall the
     * node): the CLI prints a line for each.
     */
    public void onChange(Consumer<WiderState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * How frames to each known host travel now (direct, punched or relayed), for the control API, the CLI and the NAT
     * lab: read on the node loop, so it is safe to call from any thread. A known host with no open connection at the
     * moment is left out; the map is empty while the layer is off.
     */
    public CompletableFuture<Map<PeerId, PathKind>> paths() {
        if (wider == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletableFuture<Map<PeerId, PathKind>> result = new CompletableFuture<>();
        try {
            ctx.loop().execute(() -> {
                Map<PeerId, PathKind> paths = new LinkedHashMap<>();
                for (KnownHost host : hosts()) {
                    wider.path(host.address().id()).ifPresent(path -> paths.put(host.address().id(), path));
                }
                result.complete(paths);
            });
        } catch (RuntimeException closed) {
            result.completeExceptionally(closed);
        }
        return result;
    }

    /** Whether this node is an ambassador now. */
    public boolean ambassador() {
        return switch (config.ambassador()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> reachability == Reachability.PUBLIC && config.relayBudget().allowsRelaying();
        };
    }

    /** The relay gate this node serves circuits with, for tests and statistics; null when the layer is off. */
    RelayService relayService() {
        return relay;
    }

    /** What this layer has done so far; to be read on the node loop (or once the simulation has stopped). */
    public WiderStats stats() {
        if (check == null) {
            return WiderStats.NONE;
        }
        long[] punches = punching.counters();
        long[] circuits = relay.counters();
        return new WiderStats(check.checks(), punches[0], punches[1], relay.reservationCount(), relay.openCircuitCount(),
            circuits[0], circuits[1]);
    }

    private List<KnownHost> hosts() {
        return knownHosts == null ? List.of() : knownHosts.hosts();
    }

    private Optional<PeerAddress> addressOf(PeerId peer) {
        for (KnownHost host : hosts()) {
            if (host.address().id().equals(peer)) {
                return Optional.of(host.address());
            }
        }
        return Optional.empty();
    }

    private void onVerdict(Verdict verdict) {
        if (stopped) {
            return;
        }
        if (verdict.reachability() != Reachability.UNKNOWN) {
            reachability = verdict.reachability();
        }
        if (reachability == Reachability.PUBLIC && !verdict.confirmed().isEmpty()) {
            confirmed = verdict.confirmed();
            HostPort best = confirmed.getFirst();
            advertise(new PeerAddress(ctx.self().id(), best.host(), best.port()));
        }
        if (verdict.reachability() == Reachability.UNKNOWN && reachability != Reachability.UNKNOWN) {
            log.debug("{}: peers disagree about reachability, keeping {}", ctx.self().id().shortForm(), reachability);
        }
        relayingChanged();
    }

    /**
     * Whether this node should be reached through relays: concluded private, or presumed so while no verdict is in
     * (a peer saw it behind a NAT and its router maps no port). The presumption makes a node behind a NAT reachable
     * seconds after its first peer answered rather than after the three dial-back answers of a verdict; a public
     * verdict later releases the reservations and advertises the dialled-back address instead.
     */
    private boolean relayed() {
        return reachability == Reachability.PRIVATE || reachability == Reachability.UNKNOWN && check.behindNat();
    }

    private void relayingChanged() {
        if (stopped) {
            return;
        }
        reservations.want(relayed() && config.relay());
        updateRole();
        if (!relayed() && reachability == Reachability.UNKNOWN && advertised != null && advertised.isRelayed()) {
            // The presumption ended without a verdict (the router granted a port mapping, say): stop sending peers
            // to relays that no longer hold a reservation until the check confirms an address.
            advertise(listening);
        }
        relaysChanged();
    }

    private void relaysChanged() {
        List<PeerAddress> relays = reservations.relays();
        if (relayed() && !relays.isEmpty()) {
            advertise(PeerAddress.relayed(ctx.self().id(), relays.getFirst()));
        }
        publish();
    }

    /**
     * Advertises {@code address} and, when it is new, polls the known hosts at once so each hears this node at it
     * now (and an ambassador among them passes it on) rather than at their next poll.
     */
    private void advertise(PeerAddress address) {
        if (address.equals(advertised)) {
            return;
        }
        advertised = address;
        wider.advertise(address);
        if (knownHosts != null) {
            knownHosts.announceSelf();
        }
    }

    private void updateRole() {
        boolean serve = ambassador() && config.relay() && config.relayBudget().allowsRelaying();
        if (serve != servingRelay) {
            servingRelay = serve;
            wider.serveRelay(serve ? relay : null);
        }
    }

    private void publish() {
        List<PeerAddress> advertised = new ArrayList<>();
        if (reachability == Reachability.PUBLIC) {
            confirmed.forEach(address -> advertised.add(new PeerAddress(ctx.self().id(), address.host(), address.port())));
        } else if (relayed()) {
            reservations.relays().forEach(relayAddress -> advertised.add(PeerAddress.relayed(ctx.self().id(), relayAddress)));
        }
        WiderState next = new WiderState(reachability, advertised, ambassador());
        if (next.equals(state)) {
            return;
        }
        state = next;
        log.debug("{} reachability: {}", ctx.self().id().shortForm(), next.describe());
        for (Consumer<WiderState> listener : listeners) {
            ctx.applicationExecutor().execute(() -> listener.accept(next));
        }
    }
}
