package network.butter.testbed.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;

/**
 * {@link LocalOnlyStorage} on one node: its items, the peers it knows, its two route handlers and its searches.
 * Handlers and future callbacks may run on several threads on a real node, so the state is thread-safe; nothing
 * here ever blocks.
 */
final class LocalOnlyPeer implements DataPeer {

    private static final byte FOUND = 1;
    private static final byte NOT_FOUND = 0;

    private final Node node;
    private final LocalOnlyStorage.Config config;
    private final BiConsumer<ItemKey, PeerId> holderRegistry;
    private final Map<ItemKey, byte[]> items = new ConcurrentHashMap<>();
    private final Map<PeerId, PeerAddress> known = new LinkedHashMap<>();

    LocalOnlyPeer(Node node, LocalOnlyStorage.Config config, BiConsumer<ItemKey, PeerId> holderRegistry) {
        this.node = node;
        this.config = config;
        this.holderRegistry = holderRegistry;
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> peers) {
        List<CompletableFuture<?>> greetings = new ArrayList<>();
        for (PeerAddress peer : peers) {
            learn(peer);
            // A greeting that fails only means that peer will not know us: it still counts as done.
            greetings.add(node.request(peer, LocalOnlyStorage.HELLO_ROUTE, new byte[0], config.joinTimeout())
                .handle((reply, error) -> null));
        }
        return CompletableFuture.allOf(greetings.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletableFuture<ItemKey> store(byte[] item) {
        byte[] copy = item.clone();
        ItemKey key = ItemKey.of(copy);
        items.put(key, copy);
        holderRegistry.accept(key, node.id());
        return CompletableFuture.completedFuture(key);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> retrieve(ItemKey key) {
        byte[] local = items.get(key);
        if (local != null) {
            return CompletableFuture.completedFuture(Optional.of(local.clone()));
        }
        return new Search(key).start();
    }

    /** The peers this node knows now, oldest first. */
    List<PeerAddress> knownPeers() {
        synchronized (known) {
            return List.copyOf(known.values());
        }
    }

    Reply onHello(Request request) {
        learn(request.from());
        return Reply.empty();
    }

    Reply onGet(Request request) {
        ItemKey key = ItemKey.fromBytes(request.payload());
        byte[] item = items.get(key);
        if (item != null) {
            byte[] reply = new byte[item.length + 1];
            reply[0] = FOUND;
            System.arraycopy(item, 0, reply, 1, item.length);
            return Reply.of(reply);
        }
        StringBuilder peers = new StringBuilder();
        for (PeerAddress peer : knownPeers()) {
            peers.append(peer).append('\n');
        }
        byte[] text = peers.toString().getBytes(StandardCharsets.UTF_8);
        byte[] reply = new byte[text.length + 1];
        reply[0] = NOT_FOUND;
        System.arraycopy(text, 0, reply, 1, text.length);
        return Reply.of(reply);
    }

    /** Remembers a peer, forgetting the oldest when full; a peer already known keeps its place. */
    private void learn(PeerAddress peer) {
        synchronized (known) {
            if (known.containsKey(peer.id())) {
                return;
            }
            if (known.size() >= config.maxKnownPeers()) {
                known.remove(known.keySet().iterator().next());
            }
            known.put(peer.id(), peer);
        }
    }

    /**
     * One retrieval: a breadth-first search driven from here. Each level asks every not-yet-asked peer named by
     * the level before, all at once, and is processed when the last answer (or failure) is in, in the order the
     * peers were named, so a simulated run is reproducible.
     */
    private final class Search {
        private final ItemKey key;
        private final Set<PeerId> asked = new HashSet<>();
        private final CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();

        Search(ItemKey key) {
            this.key = key;
        }

        CompletableFuture<Optional<byte[]>> start() {
            asked.add(node.id());
            ask(knownPeers(), config.ttl());
            return result;
        }

        private void ask(List<PeerAddress> named, int levelsLeft) {
            List<PeerAddress> level = new ArrayList<>();
            for (PeerAddress peer : named) {
                if (asked.size() - 1 >= config.maxQueries()) {
                    break;
                }
                if (asked.add(peer.id())) {
                    level.add(peer);
                }
            }
            if (level.isEmpty() || levelsLeft == 0) {
                result.complete(Optional.empty());
                return;
            }
            AtomicReferenceArray<Reply> answers = new AtomicReferenceArray<>(level.size());
            AtomicInteger pending = new AtomicInteger(level.size());
            byte[] payload = key.toBytes();
            for (int i = 0; i < level.size(); i++) {
                int slot = i;
                node.request(level.get(i), LocalOnlyStorage.GET_ROUTE, payload, config.requestTimeout())
                    .whenComplete((reply, error) -> {
                        answers.set(slot, reply);
                        if (pending.decrementAndGet() == 0) {
                            onLevelDone(answers, levelsLeft);
                        }
                    });
            }
        }

        private void onLevelDone(AtomicReferenceArray<Reply> answers, int levelsLeft) {
            Map<PeerId, PeerAddress> next = new LinkedHashMap<>();
            for (int i = 0; i < answers.length(); i++) {
                Reply reply = answers.get(i);
                if (reply == null || reply.payload().length == 0) {
                    continue;
                }
                byte[] body = Arrays.copyOfRange(reply.payload(), 1, reply.payload().length);
                if (reply.payload()[0] == FOUND) {
                    if (key.matches(body)) {
                        result.complete(Optional.of(body));
                        return;
                    }
                } else {
                    for (PeerAddress peer : parsePeers(body)) {
                        next.putIfAbsent(peer.id(), peer);
                    }
                }
            }
            ask(List.copyOf(next.values()), levelsLeft - 1);
        }
    }

    /** The peers in a not-found answer; lines that are not addresses are skipped, as a peer may be faulty. */
    private static List<PeerAddress> parsePeers(byte[] text) {
        List<PeerAddress> peers = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                peers.add(PeerAddress.parse(line));
            } catch (IllegalArgumentException malformed) {
                // A garbled line costs that one lead, not the search.
            }
        }
        return peers;
    }
}
