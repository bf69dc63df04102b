package network.butter.persist;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Reply;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.protocol.ProtocolContext;
import network.butter.store.AsyncChunkStore;
import network.butter.store.ChunkStore;
import network.butter.store.DiskWork;

/**
 * What every part of the storage protocol shares: its settings, the chunk store, the node it runs on and the
 * loop's clock. Set up once when the protocol starts; every part runs on the node loop.
 */
final class PcgNode {

    /** The longest a store may take, in request timeouts. */
    static final int MAX_STORE_TIMEOUT_FACTOR = 16;

    final PcgConfig config;
    /** The chunk store; its writes run through the node's {@link DiskWork} and complete on the node loop. */
    final AsyncChunkStore store;
    /**
     * How long a store and its proof may take, learnt from the node's stores: shared by puts and repairs, so a
     * loaded network that answers in seconds stretches both (a repair that gave up after the configured two seconds
     * on every proof recruited again and again: 200 real nodes sent 75,000 stores in three minutes).
     */
    final StoreTimeouts storeTimeouts;
    /** How far behind the node loop runs, from the upkeep rounds' lateness: beats and repairs allow for it. */
    final LoopLag loopLag = new LoopLag();
    ProtocolContext context;
    KnownHosts knownHosts;
    PeerId self;
    boolean stopped;

    PcgNode(PcgConfig config, ChunkStore store, DiskWork disk) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = new AsyncChunkStore(store, disk);
        this.storeTimeouts = new StoreTimeouts(config.requestTimeoutMs(), MAX_STORE_TIMEOUT_FACTOR * config.requestTimeoutMs());
    }

    void start(ProtocolContext ctx) {
        this.context = ctx;
        store.completeOn(ctx.loop());
        this.self = ctx.self().id();
        this.knownHosts = ctx.protocol(KnownHosts.class).orElseThrow(() -> new IllegalStateException(
            "Peer Content Groups recruit from the known hosts: install KnownHosts on the node first"));
    }

    long now() {
        return context.loop().nowMillis();
    }

    CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload) {
        return request(peer, route, payload, config.requestTimeoutMs());
    }

    CompletableFuture<Reply> request(PeerAddress peer, String route, byte[] payload, long timeoutMs) {
        return context.request(peer, route, payload, Duration.ofMillis(timeoutMs));
    }

    <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = context.random().nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }

    /** The cause inside a {@link CompletionException}, or the error itself. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
