package network.butter.wider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import network.butter.api.OverloadedException;
import network.butter.api.PublicException;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.PathKind;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.PayloadReader;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades relayed connections to direct ones by coordinated simultaneous open ({@link Wider#PUNCH_ROUTE}, after
 * libp2p's DCUtR).
 *
 * <p>When this node hears from a peer whose frames travel through a relay ({@link PathKind#RELAYED}) and its id is
 * the lower of the two (so only one side starts), it sends CONNECT with its candidate addresses over the relayed
 * connection and times the round trip; the peer answers with its own. The initiator then sends SYNC and both call
 * {@link WiderTransport#punch}: the responder at once on receiving SYNC, the initiator half a round trip after
 * sending it, so their dials cross at about the same moment. If the punch fails the two stay relayed and the
 * initiator waits {@link WiderConfig#punchBackoffMs()} before trying that peer again, doubling with every failure
 * up to {@link WiderConfig#maxPunchBackoffMs()}. A responder takes at most one CONNECT per peer per
 * {@link WiderConfig#punchBackoffMs()}, and only over a relayed connection, so a peer cannot make it dial
 * addresses at will.
 */
final class Punching {

    private static final Logger log = LoggerFactory.getLogger(Punching.class);
    private static final int REMEMBERED_PEERS = 1024;
    private static final long HEARD_RECHECK_MS = 1_000;

    private final WiderConfig config;
    private final ProtocolContext ctx;
    private final WiderTransport wider;
    private final Supplier<List<HostPort>> candidates;
    private final Function<PeerId, Optional<PeerAddress>> addressOf;
    private final Map<PeerId, Long> lastLookedMs = new Bounded<>(REMEMBERED_PEERS);
    private final Map<PeerId, Attempts> attempts = new Bounded<>(REMEMBERED_PEERS);
    private final Map<PeerId, List<HostPort>> awaitingSync = new Bounded<>(64);
    private final Map<PeerId, Long> respondedAtMs = new Bounded<>(REMEMBERED_PEERS);
    private long punched;
    private long failed;

    private record Attempts(int failures, long nextAtMs, boolean running) {
    }

    /**
     * @param candidates this node's addresses to offer, best first
     * @param addressOf  a peer's address (its relayed one) when this node knows it
     */
    Punching(WiderConfig config, ProtocolContext ctx, WiderTransport wider, Supplier<List<HostPort>> candidates,
             Function<PeerId, Optional<PeerAddress>> addressOf) {
        this.config = config;
        this.ctx = ctx;
        this.wider = wider;
        this.candidates = candidates;
        this.addressOf = addressOf;
    }

    /** {successful punches, failed punches} this node started, since start. */
    long[] counters() {
        return new long[] {punched, failed};
    }

    /** Called for every frame a peer sends: cheap unless the peer is due for a look. */
    void heard(PeerId peer) {
        long now = ctx.loop().nowMillis();
        Long looked = lastLookedMs.get(peer);
        if (looked != null && now - looked < HEARD_RECHECK_MS) {
            return;
        }
        lastLookedMs.put(peer, now);
        if (ctx.self().id().compareTo(peer) >= 0 || wider.path(peer).orElse(null) != PathKind.RELAYED) {
            return;
        }
        Attempts previous = attempts.get(peer);
        if (previous != null && (previous.running() || now < previous.nextAtMs())) {
            return;
        }
        addressOf.apply(peer).ifPresent(address -> start(address, previous == null ? 0 : previous.failures()));
    }

    private void start(PeerAddress peer, int failures) {
        attempts.put(peer.id(), new Attempts(failures, Long.MAX_VALUE, true));
        long sentAt = ctx.loop().nowMillis();
        ctx.request(peer, Wider.PUNCH_ROUTE, WiderMessages.encodePunchConnect(mine()),
                Duration.ofMillis(config.requestTimeoutMs()))
            .whenComplete((reply, error) -> {
                List<HostPort> theirs;
                try {
                    if (error != null) {
                        throw error;
                    }
                    theirs = WiderMessages.decodeHostPorts(reply.payload(), WiderConfig.MAX_CANDIDATES, "punch answer");
                } catch (Throwable problem) {
                    finished(peer.id(), failures, false, problem.getMessage());
                    return;
                }
                long rttMs = ctx.loop().nowMillis() - sentAt;
                ctx.request(peer, Wider.PUNCH_ROUTE, WiderMessages.encodePunchSync(),
                    Duration.ofMillis(config.requestTimeoutMs()));
                wider.punch(peer.id(), theirs, rttMs / 2).whenComplete((done, punchError) ->
                    finished(peer.id(), failures, punchError == null,
                        punchError == null ? null : punchError.getMessage()));
            });
    }

    private void finished(PeerId peer, int failures, boolean success, String problem) {
        if (success) {
            punched++;
            attempts.put(peer, new Attempts(0, ctx.loop().nowMillis() + config.punchBackoffMs(), false));
            log.debug("{} punched through to {}", ctx.self().id().shortForm(), peer.shortForm());
            return;
        }
        failed++;
        long backoff = Math.min(config.maxPunchBackoffMs(), config.punchBackoffMs() << Math.min(20, failures));
        attempts.put(peer, new Attempts(failures + 1, ctx.loop().nowMillis() + backoff, false));
        log.debug("{} stays relayed to {} for {} ms: {}", ctx.self().id().shortForm(), peer.shortForm(), backoff, problem);
    }

    /** Answers a peer's CONNECT or SYNC. */
    Reply handle(Request request) throws WireFormatException {
        PeerId from = request.from().id();
        PayloadReader in = new PayloadReader(request.payload(), "punch request");
        int kind = in.u8();
        if (kind == WiderMessages.PUNCH_CONNECT) {
            List<HostPort> theirs = WiderMessages.readHostPorts(in, WiderConfig.MAX_CANDIDATES);
            in.end();
            if (wider.path(from).orElse(null) != PathKind.RELAYED) {
                throw new PublicException("nothing to punch: this node does not reach you through a relay");
            }
            long now = ctx.loop().nowMillis();
            Long last = respondedAtMs.get(from);
            if (last != null && now - last < config.punchBackoffMs()) {
                throw new OverloadedException("punch asked again within " + config.punchBackoffMs() + " ms, retry after "
                    + (last + config.punchBackoffMs() - now) + " ms");
            }
            respondedAtMs.put(from, now);
            awaitingSync.put(from, theirs);
            return Reply.of(WiderMessages.encodeHostPorts(mine()));
        }
        if (kind == WiderMessages.PUNCH_SYNC) {
            in.end();
            List<HostPort> theirs = awaitingSync.remove(from);
            if (theirs == null) {
                throw new PublicException("punch sync without a connect");
            }
            wider.punch(from, theirs, 0);
            return Reply.empty();
        }
        throw in.malformed("unknown kind " + kind);
    }

    private List<HostPort> mine() {
        List<HostPort> list = candidates.get();
        return list.subList(0, Math.min(list.size(), WiderConfig.MAX_CANDIDATES));
    }
}
