package network.butter.testbed.protocol;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Node;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.store.ContentId;

/** {@link PcgStorage} on one node. */
final class PcgPeer implements DataPeer {

    /** How long a join waits for the first known host before counting as done anyway, in milliseconds. */
    private static final long JOIN_LIMIT_MS = 55_000;

    private final Node node;
    private final PeerContentGroups groups;
    private final Joiner joiner;

    PcgPeer(Node node, PeerContentGroups groups, Joiner joiner) {
        this.node = node;
        this.groups = groups;
        this.joiner = joiner;
    }

    Node node() {
        return node;
    }

    PeerContentGroups groups() {
        return groups;
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> peers) {
        return joiner.join(peers);
    }

    @Override
    public CompletableFuture<ItemKey> store(byte[] item) {
        return groups.put(item).thenApply(id -> new ItemKey(id.toHex()));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> retrieve(ItemKey key) {
        ContentId id = ContentId.fromBytes(java.util.HexFormat.of().parseHex(key.hex()));
        return groups.get(id).handle((content, error) -> {
            if (error == null) {
                return Optional.of(content);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof StorageException) {
                return Optional.empty();
            }
            throw new CompletionException(cause);
        });
    }

    /**
     * Hands the scenario's peers to the node's known hosts on the node loop, like a bootstrap list; the join is
     * done once one of them is admitted (or after {@link #JOIN_LIMIT_MS}, so a lonely node does not hold the
     * scenario up).
     */
    static final class Joiner implements Protocol {
        private final CompletableFuture<ProtocolContext> started = new CompletableFuture<>();

        @Override
        public String name() {
            return "testbed-join";
        }

        @Override
        public void start(ProtocolContext ctx) {
            started.complete(ctx);
        }

        CompletableFuture<Void> join(List<PeerAddress> peers) {
            CompletableFuture<Void> joined = new CompletableFuture<>();
            started.thenAccept(context -> context.loop().execute(() -> {
                KnownHosts hosts = context.protocol(KnownHosts.class).orElseThrow();
                if (peers.isEmpty()) {
                    joined.complete(null);
                    return;
                }
                hosts.onAdmitted(host -> joined.complete(null));
                context.loop().schedule(JOIN_LIMIT_MS, () -> joined.complete(null));
                offer(context, hosts, peers, joined);
            }));
            return joined;
        }

        /**
         * Offers the peers, and again after each poll interval until one is admitted: a whole real cluster starting
         * at once can make the first polls time out, and the known hosts do not retry a rejected candidate alone.
         */
        private static void offer(ProtocolContext context, KnownHosts hosts, List<PeerAddress> peers,
                                  CompletableFuture<Void> joined) {
            if (joined.isDone()) {
                return;
            }
            peers.forEach(hosts::offer);
            context.loop().schedule(hosts.config().pollIntervalMs() + 1, () -> offer(context, hosts, peers, joined));
        }
    }
}
