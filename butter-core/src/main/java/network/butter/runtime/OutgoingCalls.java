package network.butter.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.Reply;
import network.butter.api.ReplyListener;
import network.butter.api.RequestTimeoutException;
import network.butter.env.Environment;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests this node sent and is waiting for, on the node loop: request ids, per-peer in-flight limits with
 * a bounded wait queue, timeouts (with a CANCEL to the peer) and matching of answers.
 *
 * <p>An answer is accepted only from the peer the request went to, so a peer cannot complete another
 * peer's requests by guessing ids.
 */
final class OutgoingCalls {

    private static final Logger log = LoggerFactory.getLogger(OutgoingCalls.class);

    private final Environment env;
    private final Limits limits;
    private final Runnable onDrained;
    private final BiConsumer<PeerAddress, RequestTimeoutException> onTimeout;
    private final TrafficCounters counters;
    private final FrameCodec codec;
    private final IntTable<Call> inFlight = new IntTable<>();
    private final Map<PeerId, PeerCalls> byPeer = new HashMap<>();
    private final DeadlineLists<Call> deadlines;
    private final RequestIds ids = new RequestIds(1);
    private final IntPredicate idInFlight = inFlight::containsKey;
    private int waitingCount;

    OutgoingCalls(Environment env, Limits limits, FrameCodec codec, TrafficCounters counters, Runnable onDrained,
                  BiConsumer<PeerAddress, RequestTimeoutException> onTimeout) {
        this.onTimeout = onTimeout;
        this.env = env;
        this.limits = limits;
        this.codec = codec;
        this.counters = counters;
        this.onDrained = onDrained;
        this.deadlines = new DeadlineLists<>(env.loop(), this::expire);
    }

    /** A positive duration in whole milliseconds that fits the wire's 32-bit timeout field. */
    static long timeoutMillis(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a duration must be positive, got " + duration);
        }
        long ms = Math.max(1, duration.toMillis());
        if (ms > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a duration must be at most " + 0xFFFF_FFFFL + " ms, got " + duration);
        }
        return ms;
    }

    /** Requests in flight plus requests waiting for a slot. */
    int size() {
        return inFlight.size() + waitingCount;
    }

    boolean isBusyWith(PeerId peer) {
        return byPeer.containsKey(peer);
    }

    /** Sends (or queues) a request whose outcome completes {@code result}. */
    void submit(PeerAddress peer, String route, byte[] payload, long timeoutMs, CompletableFuture<Reply> result) {
        submit(peer, route, payload, timeoutMs, (reply, failure) -> deliver(result, reply, failure));
    }

    /**
     * Sends (or queues) a request whose outcome goes to {@code answer}, on the loop, exactly once; what it throws is
     * logged and otherwise ignored.
     */
    void submit(PeerAddress peer, String route, byte[] payload, long timeoutMs, ReplyListener answer) {
        PeerCalls calls = byPeer.get(peer.id());
        if (calls == null) {
            calls = new PeerCalls();
            byPeer.put(peer.id(), calls);
        }
        Call call = new Call(peer, route, payload, timeoutMs, answer);
        if (calls.inFlightCount < limits.maxInFlightPerPeer()) {
            deadlines.add(call, timeoutMs);
            dispatch(call, calls);
        } else if (calls.waiting.size() < limits.maxQueuedPerPeer()) {
            deadlines.add(call, timeoutMs);
            calls.waiting.add(call);
            waitingCount++;
        } else {
            forget(peer.id(), calls);
            tell(answer, null, new OverloadedException(calls.inFlightCount + " requests to " + peer
                + " are in flight and " + calls.waiting.size() + " wait (limits "
                + limits.maxInFlightPerPeer() + " and " + limits.maxQueuedPerPeer() + ")"));
        }
    }

    private void dispatch(Call call, PeerCalls calls) {
        int id = ids.next(idInFlight);
        call.requestId = id;
        inFlight.put(id, call);
        calls.add(call);
        long remainingMs = Math.max(1, call.deadlineMs - env.loop().nowMillis());
        Frame.Request frame = new Frame.Request(id, remainingMs, call.route, call.payload);
        counters.requestSent(call.route, FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(frame));
        env.transport().send(call.peer, frame);
    }

    void onResponse(PeerId from, Frame.Response response) {
        Call call = settle(from, response.requestId());
        if (call != null) {
            tell(call.answer, new Reply(response.payload()), null);
        }
    }

    void onFailure(PeerId from, Frame.Failure failure) {
        Call call = settle(from, failure.requestId());
        if (call != null) {
            tell(call.answer, null,
                ButterException.fromRemote(call.peer, call.route, failure.code(), failure.message()));
        }
    }

    private Call settle(PeerId from, int requestId) {
        Call call = inFlight.get(requestId);
        if (call == null || !call.peer.id().equals(from)) {
            log.debug("ignoring an answer from {} to request {}: not in flight to that peer (late or bogus)",
                from.shortForm(), requestId);
            return null;
        }
        inFlight.remove(requestId);
        deadlines.remove(call);
        PeerCalls calls = byPeer.get(from);
        calls.remove(call);
        pump(from, calls);
        onDrained.run();
        return call;
    }

    private void expire(Call call) {
        PeerId peer = call.peer.id();
        PeerCalls calls = byPeer.get(peer);
        if (call.requestId != 0) {
            if (inFlight.remove(call.requestId) != call) {
                return;
            }
            calls.remove(call);
            env.transport().send(call.peer, new Frame.Cancel(call.requestId));
        } else {
            if (calls == null || !calls.waiting.remove(call)) {
                return;
            }
            waitingCount--;
        }
        RequestTimeoutException timeout = new RequestTimeoutException(call.peer, call.route, call.timeoutMs);
        tell(call.answer, null, timeout);
        pump(peer, calls);
        onDrained.run();
        onTimeout.accept(call.peer, timeout);
    }

    private void pump(PeerId peer, PeerCalls calls) {
        while (calls.inFlightCount < limits.maxInFlightPerPeer() && !calls.waiting.isEmpty()) {
            waitingCount--;
            dispatch(calls.waiting.poll(), calls);
        }
        forget(peer, calls);
    }

    private void forget(PeerId peer, PeerCalls calls) {
        if (calls.inFlightCount == 0 && calls.waiting.isEmpty()) {
            byPeer.remove(peer);
        }
    }

    /** Fails everything in flight to or waiting for {@code peer}. */
    void failPeer(PeerId peer, ButterException cause) {
        PeerCalls calls = byPeer.remove(peer);
        if (calls == null) {
            return;
        }
        for (Call call = calls.first; call != null; call = call.nextOfPeer) {
            inFlight.remove(call.requestId);
            deadlines.remove(call);
            tell(call.answer, null, cause);
        }
        for (Call call : calls.waiting) {
            waitingCount--;
            deadlines.remove(call);
            tell(call.answer, null, cause);
        }
        onDrained.run();
    }

    /** Fails every call; used when a shutdown's grace period ends. */
    void failAll(ButterException cause) {
        for (PeerId peer : List.copyOf(byPeer.keySet())) {
            failPeer(peer, cause);
        }
    }

    /** Tells {@code answer} that its request was refused before it was sent. */
    void submitFailed(ReplyListener answer, ButterException failure) {
        tell(answer, null, failure);
    }

    /** Tells a call's outcome; an application listener that throws is logged, and the loop goes on. */
    private static void tell(ReplyListener answer, Reply reply, ButterException failure) {
        try {
            answer.onAnswer(reply, failure);
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("a reply listener failed on the node loop", e);
        }
    }

    /**
     * Completes a caller's future. Safe on the loop because callers' futures are {@link CallbackSafeFuture}s:
     * their callbacks run on the worker, never here.
     */
    static <T> void deliver(CompletableFuture<T> future, T value, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(value);
        }
    }

    /**
     * One peer's calls: those in flight as an intrusive list in the order they were sent (no allocation, O(1) removal),
     * and those waiting for a slot.
     */
    private static final class PeerCalls {
        final ArrayDeque<Call> waiting = new ArrayDeque<>();
        Call first;
        Call last;
        int inFlightCount;

        void add(Call call) {
            call.previousOfPeer = last;
            call.nextOfPeer = null;
            if (last == null) {
                first = call;
            } else {
                last.nextOfPeer = call;
            }
            last = call;
            inFlightCount++;
        }

        void remove(Call call) {
            if (call.previousOfPeer == null) {
                first = call.nextOfPeer;
            } else {
                call.previousOfPeer.nextOfPeer = call.nextOfPeer;
            }
            if (call.nextOfPeer == null) {
                last = call.previousOfPeer;
            } else {
                call.nextOfPeer.previousOfPeer = call.previousOfPeer;
            }
            call.previousOfPeer = null;
            call.nextOfPeer = null;
            inFlightCount--;
        }
    }

    /** A request in flight or waiting; its deadline and place in the deadline order are in {@link DeadlineLists}. */
    private static final class Call extends DeadlineLists.Entry {
        final PeerAddress peer;
        final String route;
        final byte[] payload;
        final long timeoutMs;
        final ReplyListener answer;
        int requestId;
        /** Neighbours in its peer's list of calls in flight. */
        Call previousOfPeer;
        Call nextOfPeer;

        Call(PeerAddress peer, String route, byte[] payload, long timeoutMs, ReplyListener answer) {
            this.peer = peer;
            this.route = route;
            this.payload = payload;
            this.timeoutMs = timeoutMs;
            this.answer = answer;
        }
    }
}
