package network.butter.testbed.attack;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import network.butter.protocol.LoopHandler;
import network.butter.protocol.Protocol;
import network.butter.protocol.ForwardingProtocolContext;
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

    private final class Intercepting extends ForwardingProtocolContext {
        Intercepting(ProtocolContext real) {
            super(real);
        }

        @Override
        public void handle(String route, LoopHandler handler) {
            super.handle(route, attacker.intercept(route, handler));
        }
    }
}
