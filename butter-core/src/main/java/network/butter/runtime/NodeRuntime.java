package network.butter.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import network.butter.api.Behaviour;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.api.NodeClosedException;
import network.butter.api.NodeStats;
import network.butter.api.PayloadTooLargeException;
import network.butter.api.PeerBudget;
import network.butter.api.Reply;
import network.butter.api.ReplyListener;
import network.butter.api.RequestHandler;
import network.butter.api.RequestTimeoutException;
import network.butter.env.Cancellable;
import network.butter.env.Environment;
import network.butter.env.NodeLoop;
import network.butter.env.TransportListener;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.AsyncLoopHandler;
import network.butter.protocol.LoopHandler;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node runtime: routes, multiplexed request/response, timeouts, limits, background behaviours and
 * graceful shutdown, written against the {@link Environment} seam only.
 *
 * <p>Public methods may be called from any thread; they hand their work to the node loop, which owns all
 * mutable state here, so there are no locks. Outgoing calls live in {@link OutgoingCalls}, incoming ones in
 * {@link IncomingCalls}; this class wires them to the transport and runs the node's life cycle.
 */
public final class NodeRuntime implements Node, TransportListener {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    private enum State { RUNNING, DRAINING, CLOSED }

    /** Longest wait for the transport to close its connections at the end of a shutdown, in milliseconds. */
    private static final long TRANSPORT_CLOSE_TIMEOUT_MS = 5_000;

    private final Environment env;
    private final NodeLoop loop;
    private final Limits limits;
    private final FrameCodec codec;
    private final Map<String, ServedRoute> routes = new ConcurrentHashMap<>();
    private final Map<String, AsyncLoopHandler> loopRoutes = new HashMap<>();
    private final List<Protocol> protocols = new ArrayList<>();
    private final List<BiConsumer<PeerId, ButterException>> peerFailureListeners = new ArrayList<>();
    private final List<BiConsumer<PeerAddress, RequestTimeoutException>> timeoutListeners = new ArrayList<>();
    private final List<Consumer<PeerId>> heardListeners = new ArrayList<>();
    private final List<Consumer<PeerAddress>> heardAtListeners = new ArrayList<>();
    private final ProtocolContext protocolContext = new Context();
    private final Executor callbacks;
    private final TrafficCounters counters = new TrafficCounters();
    private final OutgoingCalls outgoing;
    private final IncomingCalls incoming;
    private final List<Background> behaviours = new ArrayList<>();
    private final AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();
    private State state = State.RUNNING;
    private Cancellable graceTimer = Cancellable.NONE;
    /** Set while protocols hand over before a graceful shutdown; the node still serves meanwhile. */
    private boolean leaving;

    /**
     * Creates the runtime and registers it with the environment's transport.
     *
     * @param env    the node's environment
     * @param limits the limits to enforce; protocol routes get the {@link PeerBudget#defaults() default budget}
     */
    public NodeRuntime(Environment env, Limits limits) {
        this(env, limits, PeerBudget.defaults());
    }

    /**
     * Creates the runtime with a per-peer budget for protocol routes, and registers it with the environment's
     * transport.
     *
     * @param env        the node's environment
     * @param limits     the limits to enforce
     * @param peerBudget how much loop work one peer may cause (see {@link PeerBudget#forMemoryBudget(long)})
     */
    public NodeRuntime(Environment env, Limits limits, PeerBudget peerBudget) {
        this.env = Objects.requireNonNull(env, "env");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.loop = env.loop();
        this.codec = new FrameCodec(limits.maxFrameBytes());
        this.callbacks = task -> env.worker().start("callback", task);
        this.outgoing = new OutgoingCalls(env, limits, codec, counters, this::maybeFinishShutdown,
            this::requestTimedOut);
        RouteRateLimiter rateLimiter = new RouteRateLimiter(Objects.requireNonNull(peerBudget, "peerBudget"));
        this.incoming = new IncomingCalls(env, limits, rateLimiter, codec, routes, loopRoutes, counters,
            this::maybeFinishShutdown);
        env.transport().start(this);
    }

    @Override
    public PeerId id() {
        return address().id();
    }

    @Override
    public PeerAddress address() {
        return env.transport().localAddress();
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public NodeStats stats() {
        return counters.snapshot();
    }

    @Override
    public Node handle(String route, RequestHandler handler) {
        Route.validate(route);
        routes.put(route, new ServedRoute(Objects.requireNonNull(handler, "handler"), false));
        return this;
    }

    @Override
    public Node handleOnLoop(String route, RequestHandler handler) {
        Route.validate(route);
        routes.put(route, new ServedRoute(Objects.requireNonNull(handler, "handler"), true));
        return this;
    }

    @Override
    public CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(payload, "payload");
        Route.validate(route);
        long timeoutMs = OutgoingCalls.timeoutMillis(timeout);
        if (peer.id().equals(id())) {
            throw new IllegalArgumentException("a node cannot send a request to itself (" + peer + ")");
        }
        CompletableFuture<Reply> result = newFuture();
        PayloadTooLargeException tooLarge = checkPayload(route, payload);
        if (tooLarge != null) {
            result.completeExceptionally(tooLarge);
            return result;
        }
        onLoop(result, () -> {
            // While protocols hand over (leaving), only they may still send; the application's requests are refused.
            if (state != State.RUNNING || leaving) {
                OutgoingCalls.deliver(result, null, new NodeClosedException("node " + id().shortForm()
                    + " is shutting down and sends no new requests"));
            } else {
                outgoing.submit(peer, route, payload, timeoutMs, result);
            }
        });
        return result;
    }

    @Override
    public void requestOnLoop(PeerAddress peer, String route, byte[] payload, Duration timeout, ReplyListener listener) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(listener, "listener");
        Route.validate(route);
        long timeoutMs = OutgoingCalls.timeoutMillis(timeout);
        if (peer.id().equals(id())) {
            throw new IllegalArgumentException("a node cannot send a request to itself (" + peer + ")");
        }
        if (loop.inLoop()) {
            submitOnLoop(peer, route, payload, timeoutMs, listener);
            return;
        }
        try {
            loop.execute(() -> submitOnLoop(peer, route, payload, timeoutMs, listener));
        } catch (RejectedExecutionException e) {
            listener.onAnswer(null, new NodeClosedException("node is closed"));
        }
    }

    /** Sends an application's request, or tells its listener why not; on the loop. */
    private void submitOnLoop(PeerAddress peer, String route, byte[] payload, long timeoutMs, ReplyListener listener) {
        PayloadTooLargeException tooLarge = checkPayload(route, payload);
        if (tooLarge != null) {
            outgoing.submitFailed(listener, tooLarge);
        } else if (state != State.RUNNING || leaving) {
            outgoing.submitFailed(listener, new NodeClosedException("node " + id().shortForm()
                + " is shutting down and sends no new requests"));
        } else {
            outgoing.submit(peer, route, payload, timeoutMs, listener);
        }
    }

    @Override
    public CompletableFuture<PeerAddress> connect(HostPort address) {
        Objects.requireNonNull(address, "address");
        CompletableFuture<PeerAddress> result = newFuture();
        onLoop(result, () -> env.transport().connect(address)
            .whenComplete((peer, error) -> OutgoingCalls.deliver(result, peer, error)));
        return result;
    }

    @Override
    public Cancellable every(Duration period, Behaviour behaviour) {
        long periodMs = OutgoingCalls.timeoutMillis(period);
        Objects.requireNonNull(behaviour, "behaviour");
        Background periodic = new Background("every-" + periodMs + "ms", behaviour, periodMs);
        start(periodic);
        return periodic::cancel;
    }

    @Override
    public Cancellable spawn(String name, Behaviour behaviour) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(behaviour, "behaviour");
        Background task = new Background(name, behaviour, 0);
        start(task);
        return task::cancel;
    }

    @Override
    public CompletableFuture<Void> shutdown(Duration grace) {
        long graceMs = Math.max(0, grace.toMillis());
        CompletableFuture<Void> done = newFuture();
        if (!shutdown.compareAndSet(null, done)) {
            return shutdown.get();
        }
        try {
            loop.execute(() -> beginShutdown(graceMs));
        } catch (RejectedExecutionException e) {
            // The loop is already gone: nothing is left to drain.
            env.transport().close().whenComplete((v, error) -> done.complete(null));
        }
        return done;
    }

    // ---- TransportListener: called on the loop ----

    @Override
    public void onFrame(PeerAddress from, Frame frame) {
        onFrame(from, frame, false);
    }

    @Override
    public void onFrame(PeerAddress from, Frame frame, boolean heardInThisRead) {
        // Tested with instanceof, most frequent first: nearly every frame is a request or a response.
        if (frame instanceof Frame.Response r) {
            if (!heardInThisRead) {
                heard(from);
            }
            counters.replyReceived();
            outgoing.onResponse(from.id(), r);
        } else if (frame instanceof Frame.Request r) {
            if (!heardInThisRead) {
                heard(from);
            }
            counters.requestReceived();
            if (state == State.RUNNING) {
                incoming.accept(from, r);
            } else {
                incoming.refuseShuttingDown(from, r, id());
            }
        } else if (frame instanceof Frame.Failure f) {
            if (!heardInThisRead) {
                heard(from);
            }
            counters.replyReceived();
            outgoing.onFailure(from.id(), f);
        } else if (frame instanceof Frame.Cancel c) {
            incoming.cancel(from.id(), c.requestId());
        } else {
            log.debug("{}: ignoring {} from {} passed up by the transport", id().shortForm(), frame, from);
        }
    }

    @Override
    public void onPeerAdvertised(PeerAddress address) {
        for (int i = 0; i < heardAtListeners.size(); i++) {
            heardAtListeners.get(i).accept(address);
        }
    }

    /** Tells the protocols that listen for it that {@code from} was heard (a request or an answer arrived). */
    private void heard(PeerAddress from) {
        for (int i = 0; i < heardListeners.size(); i++) {
            heardListeners.get(i).accept(from.id());
        }
        for (int i = 0; i < heardAtListeners.size(); i++) {
            heardAtListeners.get(i).accept(from);
        }
    }

    @Override
    public void onPeerFailed(PeerId peer, ButterException cause) {
        outgoing.failPeer(peer, cause);
        incoming.abandonPeer(peer);
        for (BiConsumer<PeerId, ButterException> listener : List.copyOf(peerFailureListeners)) {
            listener.accept(peer, cause);
        }
    }

    private void requestTimedOut(PeerAddress peer, RequestTimeoutException timeout) {
        for (BiConsumer<PeerAddress, RequestTimeoutException> listener : List.copyOf(timeoutListeners)) {
            listener.accept(peer, timeout);
        }
    }

    /**
     * Starts the protocol on the node loop; it stops when the node shuts down. Installed on a node that is
     * already shutting down, it is stopped at once without starting.
     */
    @Override
    public Node install(Protocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        loop.execute(() -> {
            if (state == State.RUNNING) {
                protocols.add(protocol);
                protocol.start(protocolContext);
                log.debug("{}: started protocol {}", id().shortForm(), protocol.name());
            } else {
                protocol.stop(); // too late to start: still release what it holds (a socket, say)
            }
        });
        return this;
    }

    @Override
    public boolean isBusyWith(PeerId peer) {
        return outgoing.isBusyWith(peer) || incoming.isBusyWith(peer);
    }

    // ---- life cycle, on the loop ----

    private void start(Background task) {
        try {
            loop.execute(() -> {
                if (state == State.RUNNING && !task.cancelled) {
                    behaviours.add(task);
                    task.schedule(task.periodMs == 0 ? 0 : 1 + env.random().nextLong(task.periodMs));
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("behaviour {} not started: the node loop is closed", task.name);
        }
    }

    private void beginShutdown(long graceMs) {
        if (state != State.RUNNING || leaving) {
            return;
        }
        if (graceMs > 0 && !protocols.isEmpty()) {
            leaving = true;
            long leaveMs = Math.max(1, graceMs / 2);
            CompletableFuture<?>[] leaves = new CompletableFuture<?>[protocols.size()];
            for (int i = 0; i < leaves.length; i++) {
                leaves[i] = leaveQuietly(protocols.get(i));
            }
            Cancellable leaveTimer = loop.schedule(leaveMs, () -> drain(graceMs - leaveMs));
            CompletableFuture.allOf(leaves).whenComplete((v, error) -> loop.execute(() -> {
                leaveTimer.cancel();
                drain(graceMs - leaveMs);
            }));
            return;
        }
        drain(graceMs);
    }

    private CompletableFuture<Void> leaveQuietly(Protocol protocol) {
        try {
            return protocol.leave().exceptionally(error -> {
                log.warn("{}: protocol {} failed to leave cleanly: {}", id().shortForm(), protocol.name(), error.toString());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("{}: protocol {} failed to leave cleanly", id().shortForm(), protocol.name(), e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void drain(long graceMs) {
        if (state != State.RUNNING) {
            return;
        }
        state = State.DRAINING;
        log.debug("{}: shutting down, draining {} outgoing and {} incoming requests for up to {} ms",
            id().shortForm(), outgoing.size(), incoming.size(), graceMs);
        for (Background task : List.copyOf(behaviours)) {
            task.cancel();
        }
        for (Protocol protocol : protocols) {
            try {
                protocol.stop();
            } catch (RuntimeException e) {
                log.warn("{}: protocol {} failed to stop cleanly", id().shortForm(), protocol.name(), e);
            }
        }
        graceTimer = loop.schedule(graceMs, this::forceShutdown);
        maybeFinishShutdown();
    }

    private void forceShutdown() {
        if (state != State.DRAINING) {
            return;
        }
        outgoing.failAll(new NodeClosedException("node " + id().shortForm() + " closed before an answer arrived"));
        incoming.abandonAll("node " + id().shortForm() + " closed before the handler finished");
        finishShutdown();
    }

    private void maybeFinishShutdown() {
        if (state == State.DRAINING && outgoing.size() == 0 && incoming.size() == 0) {
            finishShutdown();
        }
    }

    private void finishShutdown() {
        state = State.CLOSED;
        graceTimer.cancel();
        CompletableFuture<Void> done = shutdown.get();
        // A shutdown must end: if the transport cannot close its connections in time, say so and finish anyway.
        Cancellable watchdog = loop.schedule(TRANSPORT_CLOSE_TIMEOUT_MS, () -> {
            if (!done.isDone()) {
                log.warn("{}: transport did not close within {} ms; shutdown completes anyway",
                    id().shortForm(), TRANSPORT_CLOSE_TIMEOUT_MS);
                done.complete(null);
            }
        });
        env.transport().close().whenComplete((v, error) -> {
            if (error != null) {
                log.warn("{}: transport did not close cleanly: {}", id().shortForm(), error.toString());
            }
            watchdog.cancel();
            done.complete(null);
        });
    }

    /** Why a request payload cannot be sent, or null if it fits in one frame. */
    private PayloadTooLargeException checkPayload(String route, byte[] payload) {
        int maxPayload = codec.maxPayloadBytes(route);
        return payload.length <= maxPayload ? null : new PayloadTooLargeException("request payload of "
            + payload.length + " bytes for '" + route + "' exceeds the maximum of " + maxPayload + " bytes");
    }

    /** A future whose callbacks never run on the loop, whoever completes it. */
    private <T> CompletableFuture<T> newFuture() {
        return new CallbackSafeFuture<>(callbacks);
    }

    private void onLoop(CompletableFuture<?> result, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new NodeClosedException("node is closed"));
        }
    }

    /** The view of this node that built-in protocols get; used on the loop only. */
    private final class Context implements ProtocolContext {
        @Override
        public PeerAddress self() {
            return address();
        }

        @Override
        public NodeLoop loop() {
            return loop;
        }

        @Override
        public RandomGenerator random() {
            return env.random();
        }

        @Override
        public byte[] sign(byte[] data) {
            return env.signer().sign(data);
        }

        @Override
        public Limits limits() {
            return limits;
        }

        @Override
        public Node node() {
            return NodeRuntime.this;
        }

        @Override
        public Optional<WiderTransport> wider() {
            return env.transport().wider();
        }

        @Override
        public void handle(String route, LoopHandler handler) {
            Objects.requireNonNull(handler, "handler");
            handleAsync(route, request -> CompletableFuture.completedFuture(handler.handle(request)));
        }

        @Override
        public void handleAsync(String route, AsyncLoopHandler handler) {
            Route.validate(route);
            if (loopRoutes.putIfAbsent(route, Objects.requireNonNull(handler, "handler")) != null) {
                throw new IllegalStateException("route " + route + " is served by another protocol on this node already"
                    + " (is the same protocol installed twice?)");
            }
        }

        @Override
        public CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout) {
            Route.validate(route);
            long timeoutMs = OutgoingCalls.timeoutMillis(timeout);
            CompletableFuture<Reply> result = new CompletableFuture<>();
            PayloadTooLargeException tooLarge = checkPayload(route, payload);
            if (tooLarge != null) {
                result.completeExceptionally(tooLarge);
            } else if (state != State.RUNNING) {
                result.completeExceptionally(new NodeClosedException("node " + id().shortForm() + " is shutting down"));
            } else if (peer.id().equals(id())) {
                result.completeExceptionally(new IllegalArgumentException("a node cannot send a request to itself"));
            } else {
                outgoing.submit(peer, route, payload, timeoutMs, result);
            }
            return result;
        }

        @Override
        public <T> CompletableFuture<T> newApplicationFuture() {
            return newFuture();
        }

        @Override
        public Executor applicationExecutor() {
            return callbacks;
        }

        @Override
        public <P extends Protocol> Optional<P> protocol(Class<P> type) {
            for (Protocol protocol : protocols) {
                if (type.isInstance(protocol)) {
                    return Optional.of(type.cast(protocol));
                }
            }
            return Optional.empty();
        }

        @Override
        public void onPeerFailed(BiConsumer<PeerId, ButterException> listener) {
            peerFailureListeners.add(Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public void reportPeerFailed(PeerId peer, ButterException cause) {
            NodeRuntime.this.onPeerFailed(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(cause, "cause"));
        }

        @Override
        public void onRequestTimedOut(BiConsumer<PeerAddress, RequestTimeoutException> listener) {
            timeoutListeners.add(Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public void onPeerHeard(Consumer<PeerId> listener) {
            heardListeners.add(Objects.requireNonNull(listener, "listener"));
        }

        @Override
        public void onPeerHeardAt(Consumer<PeerAddress> listener) {
            heardAtListeners.add(Objects.requireNonNull(listener, "listener"));
        }
    }

    /** A periodic ({@code periodMs > 0}) or long-running ({@code periodMs == 0}) behaviour. */
    private final class Background {
        private final String name;
        private final Behaviour behaviour;
        private final long periodMs;
        private volatile boolean cancelled;
        private Cancellable timer = Cancellable.NONE;
        private Cancellable running = Cancellable.NONE;

        Background(String name, Behaviour behaviour, long periodMs) {
            this.name = name;
            this.behaviour = behaviour;
            this.periodMs = periodMs;
        }

        void schedule(long delayMs) {
            timer = delayMs == 0 ? Cancellable.NONE : loop.schedule(delayMs, this::fire);
            if (delayMs == 0) {
                fire();
            }
        }

        private void fire() {
            if (cancelled || state != State.RUNNING) {
                return;
            }
            running = env.worker().start(name, () -> {
                try {
                    behaviour.run(NodeRuntime.this);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception | StackOverflowError e) {
                    log.warn("{}: behaviour '{}' failed", id().shortForm(), name, e);
                } finally {
                    afterRound();
                }
            });
        }

        private void afterRound() {
            try {
                loop.execute(() -> {
                    if (periodMs > 0 && !cancelled && state == State.RUNNING) {
                        timer = loop.schedule(periodMs, this::fire);
                    } else {
                        behaviours.remove(this);
                    }
                });
            } catch (RejectedExecutionException e) {
                log.debug("behaviour {} ended after the node loop closed", name);
            }
        }

        void cancel() {
            cancelled = true;
            try {
                loop.execute(() -> {
                    timer.cancel();
                    running.cancel();
                    behaviours.remove(this);
                });
            } catch (RejectedExecutionException e) {
                log.debug("behaviour {} cancelled after the node loop closed", name);
            }
        }
    }
}
