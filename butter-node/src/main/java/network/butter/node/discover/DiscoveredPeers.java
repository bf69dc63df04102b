package network.butter.node.discover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import network.butter.discover.HostSink;
import network.butter.identity.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peers LAN discovery has heard of, and when: a stand-in for the known-host list, which will check and
 * rank peers. This one only remembers what it is told: the first {@code capacity} distinct addresses, each
 * with the time of its first discovery since the node started listening, and it logs each newcomer once. An
 * address is a claim made by a datagram, not yet proven by a TLS handshake; once a peer is heard the node is no
 * longer lonely, even if that peer later goes away.
 *
 * <p>Discovery offers peers on the node loop; everything here may also be read from any other thread.
 */
public final class DiscoveredPeers implements HostSink {

    /** How many addresses a node remembers unless told otherwise: plenty for a LAN. */
    public static final int DEFAULT_CAPACITY = 256;

    private static final Logger log = LoggerFactory.getLogger(DiscoveredPeers.class);

    private final int capacity;
    private final LongSupplier clockMs;
    private final long startMs;
    private final Map<PeerAddress, Discovery> discoveries = new LinkedHashMap<>();
    private final List<Consumer<Discovery>> listeners = new ArrayList<>();
    private long refused;

    /**
     * A peer and when it was first heard of.
     *
     * @param address the address the peer claims: its id and port from the datagram, the datagram's source host
     * @param afterMs milliseconds from the node's start (when it began listening) to the first time the address
     *                was heard
     */
    public record Discovery(PeerAddress address, long afterMs) {
    }

    /**
     * @param capacity how many distinct addresses to remember; later ones are ignored
     * @param clockMs  a monotonic clock in milliseconds; times count from this call, which a node makes as soon as
     *                 it listens
     */
    public DiscoveredPeers(int capacity, LongSupplier clockMs) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.startMs = clockMs.getAsLong();
    }

    /** Remembers a newly heard address, logs it and tells the listeners; repeats and overflow are ignored. */
    @Override
    public synchronized void offer(PeerAddress candidate) {
        if (discoveries.containsKey(candidate)) {
            return;
        }
        if (discoveries.size() >= capacity) {
            refused++;
            log.debug("not remembering {}: {} peers already known", candidate, capacity);
            return;
        }
        Discovery discovery = new Discovery(candidate, clockMs.getAsLong() - startMs);
        discoveries.put(candidate, discovery);
        log.info("discovered peer {}", candidate);
        listeners.forEach(listener -> listener.accept(discovery));
    }

    /** True until the first peer is heard of. */
    @Override
    public synchronized boolean lonely() {
        return discoveries.isEmpty();
    }

    /** Every remembered peer, in the order they were first heard of. */
    public synchronized List<Discovery> all() {
        return List.copyOf(discoveries.values());
    }

    /** Milliseconds from the node's start to its first discovered peer, if it has one yet. */
    public synchronized OptionalLong firstDiscoveryAfterMs() {
        return discoveries.isEmpty() ? OptionalLong.empty()
            : OptionalLong.of(discoveries.values().iterator().next().afterMs());
    }

    /** How many distinct addresses were heard of but not remembered because the list was full. */
    public synchronized long refused() {
        return refused;
    }

    /**
     * Calls {@code listener} once for every peer discovered: at once for those already known, then as each new
     * one is heard of. New ones are reported on the node loop, so the listener must be quick and not block.
     */
    public synchronized void onDiscovered(Consumer<Discovery> listener) {
        Objects.requireNonNull(listener, "listener");
        discoveries.values().forEach(listener);
        listeners.add(listener);
    }
}
