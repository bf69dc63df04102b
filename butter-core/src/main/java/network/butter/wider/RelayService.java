package network.butter.wider;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import network.butter.api.OverloadedException;
import network.butter.api.PublicException;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.RelayGate;
import network.butter.identity.HostPort;
import network.butter.identity.PeerId;
import network.butter.wider.WiderMessages.ReservationTerms;
import network.butter.wire.PayloadReader;
import network.butter.wire.WireFormatException;

/**
 * The ambassador's side of relaying: it grants reservations ({@link Wider#RESERVE_ROUTE}) and decides, as the
 * transport's {@link RelayGate}, which circuits it forwards, all within a {@link RelayBudget}.
 *
 * <p>A reservation is granted only while this node is an ambassador, only to a peer connected directly (the
 * circuits reach it over that connection), within {@link RelayBudget#maxReservations()} and
 * {@link RelayBudget#maxReservationsPerIp()}; it lasts {@code ttlMs} unless renewed. A circuit opens only to a
 * peer holding a live reservation, within {@link RelayBudget#maxCircuits()}, {@link RelayBudget#maxCircuitsPerPeer()}
 * for the asking peer and {@link RelayBudget#maxCircuitsPerIp()} for its IP, and carries at most
 * {@link RelayBudget#maxCircuitBytes()} for at most {@link RelayBudget#maxCircuitDurationMs()}. Refusals say which
 * bound was hit: a full relay answers {@code OVERLOADED}, one that is not an ambassador {@code HANDLER_FAILED}.
 */
final class RelayService implements RelayGate {

    private final RelayBudget budget;
    private final long ttlMs;
    private final LongSupplier clock;
    private final BooleanSupplier serving;
    private final Map<PeerId, Reservation> reservations = new LinkedHashMap<>();
    private final Map<PeerId, Integer> circuitsByPeer = new HashMap<>();
    private final Map<String, Integer> circuitsByIp = new HashMap<>();
    private final Map<Pair, Deque<String>> openCircuits = new HashMap<>();
    private int circuits;
    private long circuitsOpened;
    private long circuitsRefused;
    private long relayedBytes;

    private record Reservation(String ip, long expiresAtMs) {
    }

    private record Pair(PeerId from, PeerId target) {
    }

    /**
     * @param budget  the bounds
     * @param ttlMs   how long a reservation lasts unless renewed
     * @param clock   the node loop's clock
     * @param serving whether this node is an ambassador with relaying on right now
     */
    RelayService(RelayBudget budget, long ttlMs, LongSupplier clock, BooleanSupplier serving) {
        this.budget = budget;
        this.ttlMs = ttlMs;
        this.clock = clock;
        this.serving = serving;
    }

    /**
     * Answers a reservation request from {@code request.from()}, seen at {@code observed} (empty if it has no
     * direct connection here).
     */
    Reply reserve(Request request, Optional<HostPort> observed) throws WireFormatException {
        PayloadReader in = new PayloadReader(request.payload(), "reservation request");
        int action = in.u8();
        in.end();
        PeerId peer = request.from().id();
        if (action == WiderMessages.RELEASE) {
            reservations.remove(peer);
            return Reply.empty();
        }
        if (action != WiderMessages.RESERVE) {
            throw in.malformed("unknown action " + action);
        }
        if (!serving.getAsBoolean()) {
            throw new PublicException("not relaying: this node is not an ambassador");
        }
        if (observed.isEmpty()) {
            throw new PublicException("a reservation needs a direct connection to the relay, not a relayed one");
        }
        expire();
        String ip = observed.get().host();
        if (!reservations.containsKey(peer)) {
            if (reservations.size() >= budget.maxReservations()) {
                throw new OverloadedException("relay full: " + budget.maxReservations() + " reservations");
            }
            long fromIp = reservations.values().stream().filter(r -> r.ip().equals(ip)).count();
            if (fromIp >= budget.maxReservationsPerIp()) {
                throw new OverloadedException("relay full for " + ip + ": " + budget.maxReservationsPerIp()
                    + " reservations per IP address");
            }
        }
        reservations.remove(peer);
        reservations.put(peer, new Reservation(ip, clock.getAsLong() + ttlMs));
        return Reply.of(WiderMessages.encodeTerms(
            new ReservationTerms(ttlMs, budget.maxCircuitBytes(), budget.maxCircuitDurationMs())));
    }

    /** Whether {@code peer} holds a live reservation here. */
    boolean reserved(PeerId peer) {
        Reservation reservation = reservations.get(peer);
        return reservation != null && reservation.expiresAtMs() > clock.getAsLong();
    }

    /** Drops a reservation, e.g. of a peer found dead. */
    void forget(PeerId peer) {
        reservations.remove(peer);
    }

    @Override
    public Decision openCircuit(PeerId from, String fromHost, PeerId target) {
        Decision decision = decide(from, fromHost, target);
        if (decision instanceof Allowed) {
            circuits++;
            circuitsOpened++;
            circuitsByPeer.merge(from, 1, Integer::sum);
            circuitsByIp.merge(fromHost, 1, Integer::sum);
            openCircuits.computeIfAbsent(new Pair(from, target), pair -> new ArrayDeque<>()).add(fromHost);
        } else {
            circuitsRefused++;
        }
        return decision;
    }

    private Decision decide(PeerId from, String fromHost, PeerId target) {
        if (!serving.getAsBoolean()) {
            return new Refused("not relaying: this node is not an ambassador");
        }
        if (!reserved(target)) {
            return new Refused("no reservation for " + target.shortForm() + " on this relay");
        }
        if (circuits >= budget.maxCircuits()) {
            return new Refused("relay full: " + budget.maxCircuits() + " circuits open");
        }
        if (circuitsByPeer.getOrDefault(from, 0) >= budget.maxCircuitsPerPeer()) {
            return new Refused("too many circuits from " + from.shortForm() + ": " + budget.maxCircuitsPerPeer() + " per peer");
        }
        if (circuitsByIp.getOrDefault(fromHost, 0) >= budget.maxCircuitsPerIp()) {
            return new Refused("too many circuits from " + fromHost + ": " + budget.maxCircuitsPerIp() + " per IP address");
        }
        return new Allowed(budget.maxCircuitBytes(), budget.maxCircuitDurationMs());
    }

    @Override
    public void circuitClosed(PeerId from, PeerId target, long bytes, long durationMs) {
        Deque<String> hosts = openCircuits.get(new Pair(from, target));
        if (hosts == null) {
            return;
        }
        String fromHost = hosts.poll();
        if (hosts.isEmpty()) {
            openCircuits.remove(new Pair(from, target));
        }
        circuits--;
        relayedBytes += Math.max(0, bytes);
        decrement(circuitsByPeer, from);
        decrement(circuitsByIp, fromHost);
    }

    /** Live reservations now. */
    int reservationCount() {
        expire();
        return reservations.size();
    }

    /** Circuits open now. */
    int openCircuitCount() {
        return circuits;
    }

    /** {opened, refused, bytes carried by closed circuits} since start. */
    long[] counters() {
        return new long[] {circuitsOpened, circuitsRefused, relayedBytes};
    }

    private void expire() {
        long now = clock.getAsLong();
        reservations.values().removeIf(reservation -> reservation.expiresAtMs() <= now);
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    }
}
