package network.butter.testbed.attack;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import network.butter.api.ButterException;
import network.butter.api.Limits;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.RequestTimeoutException;
import network.butter.env.NodeLoop;
import network.butter.env.WiderTransport;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.AsyncLoopHandler;
import network.butter.protocol.LoopHandler;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;

/**
 * A real protocol on a malicious node, started with a context that lets the {@link Attacker} replace the handler
 * of each route it registers: the protocol itself runs unchanged, only what it answers on the wire is the
 * attacker's. Everything else is the node's own context.
 */
final class InterceptedProtocol implements Protocol {

    private final Protocol inner;
    private final Attacker attacker;

    InterceptedProtocol(Protocol inner, Attacker attacker) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.attacker = Objects.requireNonNull(attacker, "attacker");
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void start(ProtocolContext context) {
        inner.start(new Intercepting(context));
    }

    @Override
    public CompletableFuture<Void> leave() {
        return inner.leave();
    }

    @Override
    public void stop() {
        inner.stop();
    }

    private final class Intercepting implements ProtocolContext {
        private final ProtocolContext real;

        Intercepting(ProtocolContext real) {
            this.real = real;
        }

        @Override
        public void handle(String route, LoopHandler handler) {
            real.handle(route, attacker.intercept(route, handler));
        }

        @Override
        public PeerAddress self() {
            return real.self();
        }

        @Override
        public NodeLoop loop() {
            return real.loop();
        }

        @Override
        public RandomGenerator random() {
            return real.random();
        }

        @Override
        public byte[] sign(byte[] data) {
            return real.sign(data);
        }

        @Override
        public Limits limits() {
            return real.limits();
        }

        @Override
        public Node node() {
            return real.node();
        }

        @Override
        public Optional<WiderTransport> wider() {
            return real.wider();
        }

        @Override
        public CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout) {
            return real.request(peer, route, payload, timeout);
        }

        @Override
        public <T> CompletableFuture<T> newApplicationFuture() {
            return real.newApplicationFuture();
        }

        @Override
        public Executor applicationExecutor() {
            return real.applicationExecutor();
        }

        @Override
        public <P extends Protocol> Optional<P> protocol(Class<P> type) {
            return real.protocol(type);
        }

        @Override
        public void onPeerFailed(BiConsumer<PeerId, ButterException> listener) {
            real.onPeerFailed(listener);
        }

        @Override
        public void handleAsync(String route, AsyncLoopHandler handler) {
            real.handleAsync(route, handler);
        }

        @Override
        public void reportPeerFailed(PeerId peer, ButterException cause) {
            real.reportPeerFailed(peer, cause);
        }

        @Override
        public void onRequestTimedOut(BiConsumer<PeerAddress, RequestTimeoutException> listener) {
            real.onRequestTimedOut(listener);
        }

        @Override
        public void onPeerHeard(Consumer<PeerId> listener) {
            real.onPeerHeard(listener);
        }

        @Override
        public void onPeerHeardAt(Consumer<PeerAddress> listener) {
            real.onPeerHeardAt(listener);
        }
    }
}
