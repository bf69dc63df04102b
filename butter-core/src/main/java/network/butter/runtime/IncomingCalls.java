package network.butter.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.PublicException;
import network.butter.api.RemoteHandlerException;
import network.butter.api.NodeStats;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.api.RequestHandler;
import network.butter.env.Cancellable;
import network.butter.env.Environment;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.AsyncLoopHandler;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests this node is serving, on the node loop: route lookup, per-peer and global concurrency limits,
 * per-peer rate limits on protocol routes, handler deadlines, cancellation, and turning whatever a handler does
 * (return, throw, hang, return too much) into exactly one precise answer that discloses nothing internal.
 */
final class IncomingCalls {

    private static final Logger log = LoggerFactory.getLogger(IncomingCalls.class);

    /** Internal failures logged with their stack per second of the loop clock; the rest get one line each. */
    static final int INCIDENT_STACKS_PER_SECOND = 10;

    private final Environment env;
    private final Limits limits;
    private final FrameCodec codec;
    private final Map<String, ServedRoute> routes;
    private final Map<String, AsyncLoopHandler> loopRoutes;
    private final Runnable onDrained;
    private final TrafficCounters counters;
    private final RouteRateLimiter rateLimiter;
    private final Map<Key, Call> calls = new HashMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private long incidents;
    private long incidentSecond = -1;
    private int incidentStacks;

    IncomingCalls(Environment env, Limits limits, RouteRateLimiter rateLimiter, FrameCodec codec,
                  Map<String, ServedRoute> routes, Map<String, AsyncLoopHandler> loopRoutes, TrafficCounters counters,
                  Runnable onDrained) {
        this.rateLimiter = rateLimiter;
        this.loopRoutes = loopRoutes;
        this.counters = counters;
        this.env = env;
        this.limits = limits;
        this.codec = codec;
        this.routes = routes;
        this.onDrained = onDrained;
    }

    int size() {
        return calls.size();
    }

    boolean isBusyWith(PeerId peer) {
        return perPeer.containsKey(peer);
    }

    void accept(PeerAddress from, Frame.Request request) {
        AsyncLoopHandler loopHandler = loopRoutes.get(request.route());
        if (loopHandler != null) {
            if (withinPeerLimit(from, request) && withinRate(from, request)) {
                answerOnLoop(from, request, loopHandler);
            }
            return;
        }
        ServedRoute served = routes.get(request.route());
        if (served == null) {
            fail(from, request.requestId(), NodeStats.UNKNOWN_ROUTE, ErrorCode.UNKNOWN_ROUTE, "no handler for route '" + request.route() + "'");
            return;
        }
        if (served.onLoop()) {
            if (withinPeerLimit(from, request)) {
                answerNow(from, request, served.handler());
            }
            return;
        }
        RequestHandler handler = served.handler();
        Key key = new Key(from.id(), request.requestId());
        if (calls.containsKey(key)) {
            log.warn("peer {} reused request id {} while it is still in flight; ignoring the duplicate",
                from.id().shortForm(), request.requestId());
            return;
        }
        if (!withinPeerLimit(from, request)) {
            return;
        }
        if (calls.size() >= limits.maxConcurrentHandlers()) {
            fail(from, request.requestId(), request.route(), ErrorCode.OVERLOADED,
                calls.size() + " handlers are running (limit " + limits.maxConcurrentHandlers() + ")");
            return;
        }
        long maxMs = limits.maxHandlerTime().toMillis();
        // The caller's own timeout, when it is the tighter one, ends the handler silently: the caller has given up
        // and learns nothing more from a failure racing its own timer. Only this node's limit is reported.
        boolean callersDeadline = request.timeoutMs() != 0 && request.timeoutMs() < maxMs;
        long deadlineMs = callersDeadline ? request.timeoutMs() : maxMs;
        Call call = new Call(from, request.route());
        calls.put(key, call);
        perPeer.merge(from.id(), 1, Integer::sum);
        call.timer = env.loop().schedule(deadlineMs, () -> timeOut(key, call, deadlineMs, callersDeadline));
        Request appRequest = new Request(from, request.route(), request.payload());
        call.task = env.worker().start(request.route(), () -> run(key, call, handler, appRequest));
    }

    /**
     * Whether the peer may have one more request handled; refuses it otherwise. Protocol routes count against
     * the same per-peer limit as application routes, so a peer at its limit gets no loop work either.
     */
    private boolean withinPeerLimit(PeerAddress from, Frame.Request request) {
        int fromPeer = perPeer.getOrDefault(from.id(), 0);
        if (fromPeer < limits.maxInFlightPerPeer()) {
            return true;
        }
        fail(from, request.requestId(), request.route(), ErrorCode.OVERLOADED, fromPeer
            + " requests from this peer are already being handled (limit " + limits.maxInFlightPerPeer() + ")");
        return false;
    }

    /** Whether the peer is within its rate budget on this protocol route; refuses the request otherwise. */
    private boolean withinRate(PeerAddress from, Frame.Request request) {
        long retryAfterMs = rateLimiter.acquire(from.id(), request.route(), env.loop().nowMillis());
        if (retryAfterMs == 0) {
            return true;
        }
        fail(from, request.requestId(), request.route(), ErrorCode.RATE_LIMITED, "over the per-peer budget of "
            + rateLimiter.budget().routeRequestsPerSecond() + " requests/s (burst "
            + rateLimiter.budget().routeBurstRequests() + ") on route '" + request.route() + "'; retry after "
            + retryAfterMs + " ms");
        return false;
    }

    void refuseShuttingDown(PeerAddress from, Frame.Request request, PeerId self) {
        String route = loopRoutes.containsKey(request.route()) || routes.containsKey(request.route())
            ? request.route() : NodeStats.UNKNOWN_ROUTE;
        fail(from, request.requestId(), route, ErrorCode.SHUTTING_DOWN, "node " + self.shortForm() + " is shutting down");
    }

    /** Runs on a worker thread. */
    private void run(Key key, Call call, RequestHandler handler, Request request) {
        Reply reply = null;
        Throwable failure = null;
        try {
            reply = handler.handle(request);
            if (reply == null) {
                failure = new IllegalStateException("handler returned null instead of a Reply");
            }
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            failure = e;
        }
        Reply finalReply = reply;
        Throwable finalFailure = failure;
        try {
            env.loop().execute(() -> finish(key, call, finalReply, finalFailure));
        } catch (RejectedExecutionException e) {
            log.debug("handler for '{}' finished after the node loop closed", call.route);
        }
    }

    private void finish(Key key, Call call, Reply reply, Throwable failure) {
        if (!remove(key, call)) {
            return; // timed out, cancelled or abandoned: the caller has its answer already
        }
        answer(call.from, key.requestId, call.route, reply, failure);
        onDrained.run();
    }

    /**
     * A built-in protocol's route: answered on the loop, at once or when the protocol's future completes (on the
     * loop) for an {@link AsyncLoopHandler}. It holds no handler slot but was admitted under the per-peer in-flight
     * and rate limits.
     */
    private void answerOnLoop(PeerAddress from, Frame.Request request, AsyncLoopHandler handler) {
        CompletableFuture<Reply> pending;
        try {
            pending = handler.handle(new Request(from, request.route(), request.payload()));
        } catch (Exception | StackOverflowError e) {
            answer(from, request.requestId(), request.route(), null, e);
            return;
        }
        if (pending == null) {
            answer(from, request.requestId(), request.route(), null,
                new IllegalStateException("handler returned null instead of a future Reply"));
            return;
        }
        pending.whenComplete((reply, error) -> {
            Throwable failure = error instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : error;
            if (failure == null && reply == null) {
                failure = new IllegalStateException("handler returned null instead of a Reply");
            }
            answer(from, request.requestId(), request.route(), reply, failure);
        });
    }

    /**
     * An application route opted in to run on the loop ({@link network.butter.api.Node#handleOnLoop}): the handler
     * answers here and now, holding no handler slot and no timer.
     */
    private void answerNow(PeerAddress from, Frame.Request request, RequestHandler handler) {
        Reply reply = null;
        Throwable failure = null;
        try {
            reply = handler.handle(new Request(from, request.route(), request.payload()));
            if (reply == null) {
                failure = new IllegalStateException("handler returned null instead of a Reply");
            }
        } catch (Exception | StackOverflowError e) {
            failure = e;
        }
        answer(from, request.requestId(), request.route(), reply, failure);
    }

    /** Sends exactly one answer for a handled request: the reply, or a failure saying what went wrong. */
    private void answer(PeerAddress to, int requestId, String route, Reply reply, Throwable failure) {
        if (failure instanceof OverloadedException overloaded) {
            log.debug("'{}' refused a request from {}: {}", route, to.id().shortForm(), overloaded.getMessage());
            fail(to, requestId, route, ErrorCode.OVERLOADED, overloaded.getMessage());
            return;
        }
        if (failure != null) {
            fail(to, requestId, route, ErrorCode.HANDLER_FAILED, publicDescription(to, route, failure));
            return;
        }
        Frame.Response response = new Frame.Response(requestId, reply.payload());
        if (codec.frameLength(response) > codec.maxFrameBytes()) {
            log.warn("handler for '{}' returned {} bytes, more than one frame holds ({} bytes)",
                route, reply.payload().length, codec.maxFrameBytes());
            fail(to, requestId, route, ErrorCode.PAYLOAD_TOO_LARGE, "reply of " + reply.payload().length
                + " bytes exceeds the maximum frame of " + codec.maxFrameBytes() + " bytes");
        } else {
            counters.replySent(route, FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(response));
            env.transport().send(to, response);
        }
    }

    private void timeOut(Key key, Call call, long deadlineMs, boolean callersDeadline) {
        if (!remove(key, call)) {
            return;
        }
        call.task.cancel();
        if (callersDeadline) {
            log.debug("handler for '{}' outlived its caller's timeout of {} ms; interrupted it", call.route, deadlineMs);
        } else {
            log.warn("handler for '{}' did not finish within {} ms; interrupted it", call.route, deadlineMs);
            fail(call.from, key.requestId, call.route, ErrorCode.HANDLER_TIMEOUT, "did not finish within " + deadlineMs + " ms");
        }
        onDrained.run();
    }

    /** The caller sent CANCEL: stop the handler and answer nothing. */
    void cancel(PeerId peer, int requestId) {
        Key key = new Key(peer, requestId);
        Call call = calls.get(key);
        if (call != null && remove(key, call)) {
            call.task.cancel();
            onDrained.run();
        }
    }

    /** The peer is gone: stop its handlers, nobody can receive their answers. */
    void abandonPeer(PeerId peer) {
        for (Map.Entry<Key, Call> entry : List.copyOf(calls.entrySet())) {
            if (entry.getKey().peer.equals(peer)) {
                cancel(peer, entry.getKey().requestId);
            }
        }
    }

    /** Stops every handler, telling each caller why; used when a shutdown's grace period ends. */
    void abandonAll(String reason) {
        for (Map.Entry<Key, Call> entry : List.copyOf(calls.entrySet())) {
            Call call = entry.getValue();
            if (remove(entry.getKey(), call)) {
                call.task.cancel();
                fail(call.from, entry.getKey().requestId, call.route, ErrorCode.SHUTTING_DOWN, reason);
            }
        }
    }

    private boolean remove(Key key, Call call) {
        if (!calls.remove(key, call)) {
            return false;
        }
        call.timer.cancel();
        perPeer.computeIfPresent(key.peer, (peer, count) -> count == 1 ? null : count - 1);
        return true;
    }

    /** Sends a failure answer to a request on {@code route} (as counted: {@link NodeStats#UNKNOWN_ROUTE} if not served). */
    private void fail(PeerAddress to, int requestId, String route, ErrorCode code, String message) {
        Frame.Failure failure = new Frame.Failure(requestId, code, message);
        counters.replySent(route, FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(failure));
        env.transport().send(to, failure);
    }

    /**
     * What the caller may learn about a handler's failure. A {@link PublicException}'s message and a
     * {@link WireFormatException}'s (which describes the caller's own malformed request) go out as they are, and a
     * cause behind them is logged here; anything else is internal: it is logged here under a new incident id, and
     * the caller gets only that id, never a class name, a path or a stack.
     */
    private String publicDescription(PeerAddress to, String route, Throwable failure) {
        if (failure instanceof PublicException || failure instanceof WireFormatException) {
            if (failure.getCause() != null) {
                log.warn("handler for '{}' failed on a request from {}; the caller is told: {}",
                    route, to.id().shortForm(), failure.getMessage(), failure);
            } else {
                log.debug("handler for '{}' refused a request from {}: {}",
                    route, to.id().shortForm(), failure.getMessage());
            }
            return String.valueOf(failure.getMessage());
        }
        if (failure instanceof InterruptedException) {
            log.debug("handler for '{}' was interrupted", route);
            return "handler was interrupted";
        }
        String incident = Long.toString(env.loop().nowMillis(), 36) + "-" + (++incidents);
        logIncident(incident, route, to, failure);
        return RemoteHandlerException.internalErrorMessage(incident);
    }

    /**
     * Logs an internal failure under its incident id: with its stack for the first
     * {@value #INCIDENT_STACKS_PER_SECOND} of each second of the loop clock, then as one line with its class and
     * message, so that a peer that keeps triggering a failing handler cannot fill the log with stacks.
     */
    private void logIncident(String incident, String route, PeerAddress from, Throwable failure) {
        long second = env.loop().nowMillis() / 1000;
        if (second != incidentSecond) {
            incidentSecond = second;
            incidentStacks = 0;
        }
        if (incidentStacks < INCIDENT_STACKS_PER_SECOND) {
            incidentStacks++;
            log.warn("handler for '{}' failed on a request from {}; incident {} (the caller is told only its id)",
                route, from.id().shortForm(), incident, failure);
        } else {
            log.warn("handler for '{}' failed on a request from {}; incident {}: {} (no stack: over {} a second)",
                route, from.id().shortForm(), incident, failure, INCIDENT_STACKS_PER_SECOND);
        }
    }

    private record Key(PeerId peer, int requestId) {
    }

    private static final class Call {
        final PeerAddress from;
        final String route;
        Cancellable timer = Cancellable.NONE;
        Cancellable task = Cancellable.NONE;

        Call(PeerAddress from, String route) {
            this.from = from;
            this.route = route;
        }
    }
}
