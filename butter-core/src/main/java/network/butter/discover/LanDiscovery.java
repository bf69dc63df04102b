package network.butter.discover;

import java.util.Objects;
import network.butter.env.Cancellable;
import network.butter.env.Multicast;
import network.butter.identity.PeerAddress;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers on the local network with UDP multicast, as the original Butter did, but without its waits: a
 * newcomer PINGs the group at once, then again with growing pauses while it knows nobody; every node answers
 * PINGs with a PONG (at most one per {@link LanDiscoveryConfig#minPongIntervalMs()}, however many PINGs
 * arrive). Everyone who hears a PING or a PONG offers the sender to its {@link HostSink}.
 */
public final class LanDiscovery implements Protocol {

    private static final Logger log = LoggerFactory.getLogger(LanDiscovery.class);

    private final Multicast multicast;
    private final HostSink sink;
    private final LanDiscoveryConfig config;
    private ProtocolContext context;
    private long backoffMs;
    private long lastPongMs = Long.MIN_VALUE / 2;
    private boolean pongScheduled;
    private boolean stopped;
    private Cancellable nextPing = Cancellable.NONE;
    private long pingsSent;
    private long pongsSent;
    private long malformed;

    /**
     * @param multicast the node's port on the LAN multicast group
     * @param sink      where discovered peers go
     * @param config    timing
     */
    public LanDiscovery(Multicast multicast, HostSink sink, LanDiscoveryConfig config) {
        this.multicast = Objects.requireNonNull(multicast, "multicast");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "lan-discovery";
    }

    @Override
    public void start(ProtocolContext context) {
        this.context = context;
        this.backoffMs = config.initialBackoffMs();
        multicast.start(this::onDatagram);
        ping();
    }

    @Override
    public void stop() {
        stopped = true;
        nextPing.cancel();
        multicast.close();
    }

    /** PINGs sent so far. */
    public long pingsSent() {
        return pingsSent;
    }

    /** PONGs sent so far. */
    public long pongsSent() {
        return pongsSent;
    }

    /** Datagrams that were not valid beacons. */
    public long malformed() {
        return malformed;
    }

    private void ping() {
        if (stopped) {
            return;
        }
        multicast.send(new Beacon(Beacon.Kind.PING, context.self().id(), context.self().port()).encode());
        pingsSent++;
        long delayMs;
        if (sink.lonely()) {
            delayMs = backoffMs;
            backoffMs = Math.min(config.maxBackoffMs(), backoffMs * 2);
        } else {
            delayMs = config.steadyIntervalMs();
            backoffMs = config.initialBackoffMs();
        }
        nextPing = context.loop().schedule(delayMs, this::ping);
    }

    private void onDatagram(String sourceHost, byte[] payload) {
        Beacon beacon;
        try {
            beacon = Beacon.decode(payload);
        } catch (WireFormatException e) {
            malformed++;
            log.debug("ignoring a datagram from {}: {}", sourceHost, e.getMessage());
            return;
        }
        if (stopped || beacon.id().equals(context.self().id())) {
            return;
        }
        sink.offer(new PeerAddress(beacon.id(), sourceHost, beacon.port()));
        if (beacon.kind() == Beacon.Kind.PING) {
            schedulePong();
        }
    }

    private void schedulePong() {
        if (pongScheduled) {
            return;
        }
        pongScheduled = true;
        long waitMs = Math.max(0, lastPongMs + config.minPongIntervalMs() - context.loop().nowMillis());
        context.loop().schedule(waitMs, () -> {
            pongScheduled = false;
            if (stopped) {
                return;
            }
            lastPongMs = context.loop().nowMillis();
            pongsSent++;
            multicast.send(new Beacon(Beacon.Kind.PONG, context.self().id(), context.self().port()).encode());
        });
    }
}
