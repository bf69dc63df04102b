package network.butter.protocol;

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

/**
 * A {@link ProtocolContext} that passes every call to another one. Why: a wrapper that changes one thing a protocol
 * sees (how a route is served, say, to inject a fault or an attack around the real code) overrides that one method
 * and inherits the rest, instead of restating the whole interface.
 */
public abstract class ForwardingProtocolContext implements ProtocolContext {

    private final ProtocolContext delegate;

    /** @param delegate the context every call goes to unless a subclass overrides it */
    protected ForwardingProtocolContext(ProtocolContext delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public PeerAddress self() {
        return delegate.self();
    }

    @Override
    public NodeLoop loop() {
        return delegate.loop();
    }

    @Override
    public RandomGenerator random() {
        return delegate.random();
    }

    @Override
    public byte[] sign(byte[] data) {
        return delegate.sign(data);
    }

    @Override
    public Limits limits() {
        return delegate.limits();
    }

    @Override
    public Optional<WiderTransport> wider() {
        return delegate.wider();
    }

    @Override
    public Node node() {
        return delegate.node();
    }

    @Override
    public void handle(String route, LoopHandler handler) {
        delegate.handle(route, handler);
    }

    @Override
    public void handleAsync(String route, AsyncLoopHandler handler) {
        delegate.handleAsync(route, handler);
    }

    @Override
    public CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, Duration timeout) {
        return delegate.request(peer, route, payload, timeout);
    }

    @Override
    public <T> CompletableFuture<T> newApplicationFuture() {
        return delegate.newApplicationFuture();
    }

    @Override
    public Executor applicationExecutor() {
        return delegate.applicationExecutor();
    }

    @Override
    public <P extends Protocol> Optional<P> protocol(Class<P> type) {
        return delegate.protocol(type);
    }

    @Override
    public void onPeerFailed(BiConsumer<PeerId, ButterException> listener) {
        delegate.onPeerFailed(listener);
    }

    @Override
    public void reportPeerFailed(PeerId peer, ButterException cause) {
        delegate.reportPeerFailed(peer, cause);
    }

    @Override
    public void onRequestTimedOut(BiConsumer<PeerAddress, RequestTimeoutException> listener) {
        delegate.onRequestTimedOut(listener);
    }

    @Override
    public void onPeerHeard(Consumer<PeerId> listener) {
        delegate.onPeerHeard(listener);
    }

    @Override
    public void onPeerHeardAt(Consumer<PeerAddress> listener) {
        delegate.onPeerHeardAt(listener);
    }
}
