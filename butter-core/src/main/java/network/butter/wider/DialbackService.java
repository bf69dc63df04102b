package network.butter.wider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import network.butter.api.OverloadedException;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerId;
import network.butter.protocol.ProtocolContext;
import network.butter.wider.WiderMessages.DialbackAnswer;

/**
 * Serves {@link Wider#DIALBACK_ROUTE}: tells a peer the address its connection comes from and dials its candidate
 * addresses back on fresh connections.
 *
 * <p>Amplification guard: a candidate is dialled only if its IP is the one the request came from, so nobody can
 * make this node dial a third party; a request that came over a relay (no direct connection) gets no dial-back at
 * all. A request with no candidates only asks how the requester is seen (nothing is dialled) and is exempt from the
 * per-peer limit. Bounds: one dialling request per peer every {@link WiderConfig#dialbackPerPeerMs()}, {@link WiderConfig#dialbacksPerSecond()}
 * requests a second from all peers, {@link WiderConfig#maxConcurrentProbes()} probes at once (candidates beyond
 * that are answered "not tried"), and {@link WiderConfig#maxCandidates()} candidates tried per request; a probe
 * still unanswered after three quarters of {@link WiderConfig#requestTimeoutMs()} counts as unreached, so the
 * answer reaches the requester before it gives up.
 */
final class DialbackService {

    private static final int REMEMBERED_PEERS = 4096;

    private final WiderConfig config;
    private final ProtocolContext ctx;
    private final WiderTransport wider;
    private final Map<PeerId, Long> lastAskedMs = new Bounded<>(REMEMBERED_PEERS);
    private final TokenBucket global;
    private int probesInFlight;

    DialbackService(WiderConfig config, ProtocolContext ctx, WiderTransport wider) {
        this.config = config;
        this.ctx = ctx;
        this.wider = wider;
        this.global = new TokenBucket(config.dialbacksPerSecond(), ctx.loop().nowMillis());
    }

    CompletableFuture<Reply> handle(Request request) throws Exception {
        List<HostPort> candidates = WiderMessages.decodeHostPorts(request.payload(), WiderConfig.MAX_CANDIDATES,
            "dial-back request");
        PeerId from = request.from().id();
        long now = ctx.loop().nowMillis();
        Long last = lastAskedMs.get(from);
        boolean dials = !candidates.isEmpty();
        if (dials && last != null && now - last < config.dialbackPerPeerMs()) {
            throw new OverloadedException("dial-back asked again within " + config.dialbackPerPeerMs()
                + " ms, retry after " + (last + config.dialbackPerPeerMs() - now) + " ms");
        }
        if (!global.tryTake(now)) {
            throw new OverloadedException("dial-back busy (" + config.dialbacksPerSecond()
                + " per second), retry after " + global.retryAfterMs() + " ms");
        }
        if (dials) {
            lastAskedMs.put(from, now);
        }
        Optional<HostPort> observed = wider.observedAddress(from);
        List<CompletableFuture<DialbackOutcome>> outcomes = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            outcomes.add(outcome(from, candidates.get(i), observed, i));
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenApply(done -> Reply.of(
            WiderMessages.encodeDialbackAnswer(new DialbackAnswer(observed.orElse(null),
                outcomes.stream().map(CompletableFuture::join).toList()))));
    }

    private CompletableFuture<DialbackOutcome> outcome(PeerId from, HostPort candidate, Optional<HostPort> observed,
                                                       int index) {
        if (observed.isEmpty() || index >= config.maxCandidates() || probesInFlight >= config.maxConcurrentProbes()) {
            return CompletableFuture.completedFuture(DialbackOutcome.NOT_TRIED);
        }
        if (!observed.get().host().equals(candidate.host())) {
            return CompletableFuture.completedFuture(DialbackOutcome.OTHER_IP);
        }
        probesInFlight++;
        CompletableFuture<DialbackOutcome> result = new CompletableFuture<>();
        var deadline = ctx.loop().schedule(config.requestTimeoutMs() * 3 / 4, () -> result.complete(DialbackOutcome.UNREACHED));
        wider.probe(candidate).whenComplete((answer, error) -> {
            deadline.cancel();
            if (error != null) {
                result.complete(DialbackOutcome.UNREACHED);
            } else {
                result.complete(answer.id().equals(from) ? DialbackOutcome.REACHED : DialbackOutcome.WRONG_PEER);
            }
        });
        return result.whenComplete((outcome, error) -> probesInFlight--);
    }
}
