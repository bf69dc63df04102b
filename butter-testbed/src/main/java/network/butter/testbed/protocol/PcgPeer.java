package network.butter.testbed.protocol;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.Node;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.store.ChunkStore;
import network.butter.store.ContentId;

/** {@link PcgStorage} on one node. */
final class PcgPeer implements DataPeer {

    private final Node node;
    private final PeerContentGroups groups;
    private final Joiner joiner;
    private final ChunkStore store;

    PcgPeer(Node node, PeerContentGroups groups, Joiner joiner, ChunkStore store) {
        this.node = node;
        this.groups = groups;
        this.joiner = joiner;
        this.store = store;
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

    /** Its store's bytes and its groups; every record beyond one per group held is a tombstone. */
    @Override
    public NodeState state() {
        int held = groups.heldBlocks().size();
        return new NodeState(store.usedBytes(), store.capacityBytes(), held,
            Math.max(0, store.recordIds().size() - held));
    }
}
