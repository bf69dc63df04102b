package network.butter.wider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import network.butter.env.Cancellable;
import network.butter.env.WiderTransport;
import network.butter.hosts.KnownHost;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private node's side of relaying: while wanted, it keeps reservations on {@link WiderConfig#reservations()}
 * ambassadors (known hosts whose polls say they are ambassadors, reachable directly, of distinct subnets where the
 * list allows), accepts circuits only through them, renews each at two thirds of its lifetime, and replaces one
 * that refuses a renewal or is found dead. An ambassador that refused a reservation is not asked again for
 * {@link WiderConfig#minCheckIntervalMs()}.
 */
final class Reservations {

    private static final Logger log = LoggerFactory.getLogger(Reservations.class);
    private static final int REMEMBERED_REFUSALS = 256;
    private static final long MIN_TICK_MS = 1_000;
    private static final long MAX_TICK_MS = 10_000;

    private final WiderConfig config;
    private final ProtocolContext ctx;
    private final WiderTransport wider;
    private final Supplier<List<KnownHost>> hosts;
    private final Runnable onChange;
    private final Map<PeerId, Held> held = new LinkedHashMap<>();
    private final Set<PeerId> pending = new HashSet<>();
    private final Map<PeerId, Long> refusedAtMs = new Bounded<>(REMEMBERED_REFUSALS);
    private Cancellable ticker = Cancellable.NONE;
    private boolean wanted;
    private boolean stopped;

    private record Held(PeerAddress relay, long renewAtMs) {
    }

    Reservations(WiderConfig config, ProtocolContext ctx, WiderTransport wider, Supplier<List<KnownHost>> hosts,
                 Runnable onChange) {
        this.config = config;
        this.ctx = ctx;
        this.wider = wider;
        this.hosts = hosts;
        this.onChange = onChange;
    }

    /** Starts or stops keeping reservations; stopping releases those held. */
    void want(boolean value) {
        if (value == wanted || stopped) {
            return;
        }
        wanted = value;
        if (wanted) {
            tick();
        } else {
            ticker.cancel();
            for (PeerAddress relay : relays()) {
                ctx.request(relay, Wider.RESERVE_ROUTE, new byte[] {WiderMessages.RELEASE},
                    Duration.ofMillis(config.requestTimeoutMs()));
                drop(relay.id());
            }
        }
    }

    /** The relays this node holds reservations on, by their direct addresses, oldest first. */
    List<PeerAddress> relays() {
        return held.values().stream().map(Held::relay).toList();
    }

    /** A peer was found unreachable: if it was a relay, replace it. */
    void peerFailed(PeerId peer) {
        if (held.containsKey(peer)) {
            drop(peer);
            refusedAtMs.put(peer, ctx.loop().nowMillis());
            fill();
        }
    }

    void stop() {
        stopped = true;
        ticker.cancel();
    }

    private void tick() {
        if (stopped || !wanted) {
            return;
        }
        long now = ctx.loop().nowMillis();
        for (Map.Entry<PeerId, Held> entry : List.copyOf(held.entrySet())) {
            if (entry.getValue().renewAtMs() <= now) {
                reserve(entry.getValue().relay());
            }
        }
        fill();
        long period = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, config.reservationTtlMs() / 3));
        ticker = ctx.loop().schedule(period, this::tick);
    }

    private void fill() {
        if (!wanted || stopped) {
            return;
        }
        long now = ctx.loop().nowMillis();
        Set<String> subnets = new HashSet<>();
        List<KnownHost> candidates = new ArrayList<>();
        for (KnownHost host : hosts.get()) {
            PeerId id = host.address().id();
            if (held.containsKey(id) || pending.contains(id)) {
                subnets.add(host.subnet());
            } else if (host.quality().ambassador() && !host.address().isRelayed()
                && now - refusedAtMs.getOrDefault(id, Long.MIN_VALUE / 2) >= config.minCheckIntervalMs()) {
                candidates.add(host);
            }
        }
        candidates.sort(Comparator.comparing(host -> subnets.contains(host.subnet())));
        for (KnownHost host : candidates) {
            if (held.size() + pending.size() >= config.reservations()) {
                return;
            }
            reserve(host.address());
        }
    }

    private void reserve(PeerAddress relay) {
        PeerId id = relay.id();
        pending.add(id);
        ctx.request(relay, Wider.RESERVE_ROUTE, new byte[] {WiderMessages.RESERVE},
                Duration.ofMillis(config.requestTimeoutMs()))
            .whenComplete((reply, error) -> {
                pending.remove(id);
                if (stopped) {
                    return;
                }
                WiderMessages.ReservationTerms terms = null;
                String problem = error != null ? error.getMessage() : null;
                if (error == null) {
                    try {
                        terms = WiderMessages.decodeTerms(reply.payload());
                    } catch (WireFormatException e) {
                        problem = e.getMessage();
                    }
                }
                if (terms == null || !wanted) {
                    if (terms == null) {
                        log.debug("{} holds no reservation on {}: {}", ctx.self().id().shortForm(), relay, problem);
                        refusedAtMs.put(id, ctx.loop().nowMillis());
                    }
                    drop(id);
                    fill();
                    return;
                }
                boolean fresh = !held.containsKey(id);
                held.put(id, new Held(relay, ctx.loop().nowMillis() + terms.ttlMs() * 2 / 3));
                if (fresh) {
                    wider.acceptCircuitsVia(id, true);
                    onChange.run();
                }
            });
    }

    private void drop(PeerId relay) {
        if (held.remove(relay) != null) {
            wider.acceptCircuitsVia(relay, false);
            onChange.run();
        }
    }
}
