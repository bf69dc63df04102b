package network.butter.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import network.butter.api.PeerSilentException;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.api.RequestTimeoutException;
import network.butter.env.Cancellable;
import network.butter.hosts.KnownHost;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds peers that died without a word (power loss, a NAT dropping its state), which no reset ever reports, and
 * tells every protocol, as the transport does for a reset: SWIM's probes with Lifeguard's refinements, driven by
 * the traffic the node has anyway.
 *
 * <ul>
 *   <li><b>Suspicion.</b> A request of this node (any protocol's or the application's) that times out makes its
 *       peer a suspect. Nothing else does: the detector adds no traffic while requests are answered; the
 *       known-host polls, heartbeats and reads a node sends anyway are its probes.</li>
 *   <li><b>Probes.</b> The suspect is pinged directly ({@value #PING_ROUTE}) at once and again every
 *       {@link HealthConfig#probeIntervalMs()}. If the first ping goes unanswered, {@code k} other known hosts are
 *       asked to ping it ({@value #PING_REQ_ROUTE}); each answers "reached it" or "could not reach it either".</li>
 *   <li><b>Refutation.</b> Any answer or request from the suspect, directly or through a helper, ends the
 *       suspicion at once.</li>
 *   <li><b>Verdict.</b> A suspicion lasts {@link HealthConfig#suspicionMaxMs()}, shortened towards
 *       {@link HealthConfig#suspicionMinMs()} by each helper's independent "could not reach it either"
 *       ({@link Suspicion}). At its end the peer is reported failed with a {@link PeerSilentException}, so listeners
 *       can tell a verdict from one timed-out request.</li>
 *   <li><b>Local health.</b> A helper that does not answer at all hints that this node is the lossy one: its
 *       {@link LocalHealth} score rises, and every timeout of the detector stretches by {@code 1 + score}; probes that
 *       go well lower it again (Lifeguard).</li>
 *   <li><b>Bounds.</b> At most {@link HealthConfig#maxSuspects()} suspects (each with one probe at a time) and
 *       {@link HealthConfig#maxRelays()} probes run for others, at most one per target and probe interval however
 *       many nodes ask (answers are shared and reused for an interval); a verdict is remembered for
 *       {@link HealthConfig#verdictMemoryMs()} (at most {@value #MAX_VERDICTS} peers) so the same dead peer is not
 *       probed again and again.</li>
 * </ul>
 *
 * <p>Install it after {@link KnownHosts} (the helpers are known hosts; without them it only pings directly and
 * every suspicion lasts its maximum). Runs on the node loop.
 */
public final class FailureDetector implements Protocol {

    /** Route: a direct probe; empty request, empty answer. */
    public static final String PING_ROUTE = "butter/health/ping";
    /** Route: an indirect probe; the request names the suspect, the one-byte answer says whether it answered. */
    public static final String PING_REQ_ROUTE = "butter/health/ping-req";
    /** Most peers whose verdicts are remembered. */
    static final int MAX_VERDICTS = 1024;

    private static final Logger log = LoggerFactory.getLogger(FailureDetector.class);
    private static final byte[] EMPTY = new byte[0];
    private static final byte REACHED = 1;
    private static final byte NOT_REACHED = 0;

    private final HealthConfig config;
    private final LocalHealth health;
    private final Map<PeerId, Suspect> suspects = new HashMap<>();
    private final Map<PeerId, Long> verdictAtMs = new LinkedHashMap<>();
    private ProtocolContext context;
    private KnownHosts knownHosts;
    private boolean stopped;
    private final Map<PeerId, CompletableFuture<Reply>> relayed = new HashMap<>();
    private final Map<PeerId, PingResult> lastPings = new LinkedHashMap<>();
    private volatile long suspected;
    private volatile long refuted;
    private volatile long confirmed;
    private volatile long ignored;
    private volatile long probesSent;

    /** @param config probe, suspicion and bound settings */
    public FailureDetector(HealthConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.health = new LocalHealth(config.maxLocalHealth());
    }

    @Override
    public String name() {
        return "failure-detector";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.knownHosts = ctx.protocol(KnownHosts.class).orElse(null);
        ctx.handle(PING_ROUTE, request -> Reply.of(EMPTY));
        ctx.handleAsync(PING_REQ_ROUTE, this::relay);
        ctx.onRequestTimedOut(this::timedOut);
        ctx.onPeerHeard(this::heard);
        ctx.onPeerFailed((peer, cause) -> {
            Suspect suspect = suspects.remove(peer);
            if (suspect != null) {
                suspect.cancel();
            }
        });
    }

    @Override
    public void stop() {
        stopped = true;
        suspects.values().forEach(Suspect::cancel);
        suspects.clear();
    }

    /** What the detector has done so far; safe to read from any thread. */
    public HealthStats stats() {
        return new HealthStats(suspected, refuted, confirmed, ignored, probesSent, health.score());
    }

    // ---- suspicion ----

    private void timedOut(PeerAddress peer, RequestTimeoutException timeout) {
        String route = timeout.route();
        if (stopped || route.equals(PING_ROUTE) || route.equals(PING_REQ_ROUTE) || suspects.containsKey(peer.id())
            || recentlyConfirmed(peer.id())) {
            return;
        }
        if (suspects.size() >= config.maxSuspects()) {
            ignored++;
            return;
        }
        List<PeerAddress> helpers = helpersFor(peer.id());
        Suspect suspect = new Suspect(peer, now(), new Suspicion(health.scale(config.suspicionMinMs()),
            health.scale(config.suspicionMaxMs()), helpers.size()), helpers);
        suspects.put(peer.id(), suspect);
        suspected++;
        log.debug("{}: suspects {} after '{}' timed out", context.self().id().shortForm(), peer, route);
        scheduleVerdict(suspect);
        ping(suspect);
    }

    private boolean recentlyConfirmed(PeerId peer) {
        Long at = verdictAtMs.get(peer);
        return at != null && now() - at < config.verdictMemoryMs();
    }

    /** Up to {@code k} random known hosts that are neither the suspect nor suspected themselves. */
    private List<PeerAddress> helpersFor(PeerId target) {
        List<PeerAddress> candidates = new ArrayList<>();
        if (knownHosts != null) {
            for (KnownHost host : knownHosts.hosts()) {
                PeerId id = host.address().id();
                if (!id.equals(target) && !suspects.containsKey(id)) {
                    candidates.add(host.address());
                }
            }
        }
        int wanted = Math.min(config.indirectProbes(), candidates.size());
        for (int i = 0; i < wanted; i++) {
            int j = i + context.random().nextInt(candidates.size() - i);
            candidates.set(i, candidates.set(j, candidates.get(i)));
        }
        return List.copyOf(candidates.subList(0, wanted));
    }

    private void heard(PeerId peer) {
        verdictAtMs.remove(peer);
        Suspect suspect = suspects.get(peer);
        if (suspect != null) {
            refute(suspect, "it spoke");
        }
    }

    private void ping(Suspect suspect) {
        probesSent++;
        suspect.probes++;
        context.request(suspect.peer, PING_ROUTE, EMPTY, Duration.ofMillis(health.scale(config.probeTimeoutMs())))
            .whenComplete((reply, error) -> {
                notePing(suspect.peer.id(), error == null);
                if (error == null) {
                    health.better();
                }
                if (suspects.get(suspect.peer.id()) != suspect) {
                    return;
                }
                if (error == null) {
                    refute(suspect, "it answered a ping");
                    return;
                }
                if (!suspect.askedHelpers) {
                    suspect.askedHelpers = true;
                    suspect.helpers.forEach(helper -> askHelper(suspect, helper));
                }
                suspect.nextPing = context.loop().schedule(health.scale(config.probeIntervalMs()), () -> {
                    if (suspects.get(suspect.peer.id()) == suspect) {
                        ping(suspect);
                    }
                });
            });
    }

    private void askHelper(Suspect suspect, PeerAddress helper) {
        probesSent++;
        byte[] payload = new PayloadWriter(64).address(suspect.peer).toByteArray();
        Duration timeout = Duration.ofMillis(health.scale(2 * config.probeTimeoutMs() + config.probeIntervalMs()));
        context.request(helper, PING_REQ_ROUTE, payload, timeout).whenComplete((reply, error) -> {
            if (error != null) {
                if (error instanceof RequestTimeoutException) {
                    health.worse(); // not even "could not reach it": the lossy link may be ours (Lifeguard's missed nack)
                }
                return;
            }
            if (suspects.get(suspect.peer.id()) != suspect) {
                return;
            }
            byte[] answer = reply.payload();
            if (answer.length == 1 && answer[0] == REACHED) {
                refute(suspect, "helper " + helper.id().shortForm() + " reached it");
            } else if (answer.length == 1 && answer[0] == NOT_REACHED && suspect.suspicion.confirm(helper.id())) {
                scheduleVerdict(suspect);
            }
        });
    }

    private void scheduleVerdict(Suspect suspect) {
        suspect.verdict.cancel();
        long dueMs = suspect.startMs + suspect.suspicion.durationMs();
        suspect.verdict = context.loop().schedule(Math.max(1, dueMs - now()), () -> {
            if (suspects.get(suspect.peer.id()) == suspect) {
                confirm(suspect);
            }
        });
    }

    private void refute(Suspect suspect, String why) {
        suspects.remove(suspect.peer.id());
        suspect.cancel();
        refuted++;
        log.debug("{}: {} is alive: {}", context.self().id().shortForm(), suspect.peer, why);
    }

    private void confirm(Suspect suspect) {
        suspects.remove(suspect.peer.id());
        suspect.cancel();
        confirmed++;
        long now = now();
        verdictAtMs.remove(suspect.peer.id());
        verdictAtMs.put(suspect.peer.id(), now);
        Iterator<Long> oldestFirst = verdictAtMs.values().iterator();
        while (oldestFirst.hasNext()) {
            long at = oldestFirst.next();
            if (verdictAtMs.size() <= MAX_VERDICTS && now - at < config.verdictMemoryMs()) {
                break;
            }
            oldestFirst.remove();
        }
        String evidence = "no answer to " + suspect.probes + " pings; " + suspect.suspicion.confirmations() + " of "
            + suspect.helpers.size() + " helpers could not reach it either";
        log.debug("{}: {} confirmed dead: {}", context.self().id().shortForm(), suspect.peer, evidence);
        context.reportPeerFailed(suspect.peer.id(), new PeerSilentException(suspect.peer, now - suspect.startMs, evidence));
    }

    // ---- probing for others ----

    /**
     * Pings {@code target} for another node, at most once per probe interval per target: while a ping to it is in
     * flight, further requests share its answer, and an answer (or a verdict of this node's own) younger than
     * {@link HealthConfig#probeIntervalMs()} is given again at once. Every node whose requests to a dead peer time out
     * asks helpers about it, so without this the helpers would ping it once per asker.
     */
    private CompletableFuture<Reply> relay(Request request) throws WireFormatException {
        PayloadReader reader = new PayloadReader(request.payload(), "indirect probe");
        PeerAddress target = reader.address();
        reader.end();
        PeerId id = target.id();
        if (id.equals(context.self().id())) {
            return CompletableFuture.completedFuture(reachedReply(true));
        }
        if (recentlyConfirmed(id)) {
            return CompletableFuture.completedFuture(reachedReply(false));
        }
        PingResult recent = lastPings.get(id);
        if (recent != null && now() - recent.atMs() < config.probeIntervalMs()) {
            return CompletableFuture.completedFuture(reachedReply(recent.reached()));
        }
        CompletableFuture<Reply> shared = relayed.get(id);
        if (shared != null) {
            return shared;
        }
        if (relayed.size() >= config.maxRelays()) {
            throw new IllegalStateException(relayed.size() + " indirect probes are running for others (limit "
                + config.maxRelays() + ")");
        }
        CompletableFuture<Reply> answer = context.request(target, PING_ROUTE, EMPTY,
                Duration.ofMillis(health.scale(config.probeTimeoutMs())))
            .handle((reply, error) -> {
                relayed.remove(id);
                notePing(id, error == null);
                return reachedReply(error == null);
            });
        if (!answer.isDone()) {
            relayed.put(id, answer);
        }
        return answer;
    }

    private static Reply reachedReply(boolean reached) {
        return Reply.of(new byte[] {reached ? REACHED : NOT_REACHED});
    }

    /**
     * Remembers whether {@code peer} answered its last ping, for {@link HealthConfig#probeIntervalMs()}; at most
     * {@value #MAX_VERDICTS} peers, oldest dropped first.
     */
    private void notePing(PeerId peer, boolean reached) {
        long now = now();
        lastPings.remove(peer);
        lastPings.put(peer, new PingResult(now, reached));
        Iterator<PingResult> oldestFirst = lastPings.values().iterator();
        while (oldestFirst.hasNext()) {
            if (lastPings.size() <= MAX_VERDICTS && now - oldestFirst.next().atMs() < config.probeIntervalMs()) {
                break;
            }
            oldestFirst.remove();
        }
    }

    /** How a ping to a peer went, and when. */
    private record PingResult(long atMs, boolean reached) {
    }

    private long now() {
        return context.loop().nowMillis();
    }

    /** One suspected peer and its probes. */
    private static final class Suspect {
        final PeerAddress peer;
        final long startMs;
        final Suspicion suspicion;
        final List<PeerAddress> helpers;
        boolean askedHelpers;
        int probes;
        Cancellable nextPing = Cancellable.NONE;
        Cancellable verdict = Cancellable.NONE;

        Suspect(PeerAddress peer, long startMs, Suspicion suspicion, List<PeerAddress> helpers) {
            this.peer = peer;
            this.startMs = startMs;
            this.suspicion = suspicion;
            this.helpers = helpers;
        }

        void cancel() {
            nextPing.cancel();
            verdict.cancel();
        }
    }
}
