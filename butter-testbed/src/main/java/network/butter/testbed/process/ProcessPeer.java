package network.butter.testbed.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import network.butter.control.ControlClient;
import network.butter.control.ControlException;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.store.ContentId;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.ItemKey;

/**
 * A node in a host process, as the scenario drives it: items go in and come out through the node's own control
 * API ({@code POST /api/v1/content}, {@code GET /api/v1/content/ID}), as {@code butter put} and {@code butter get}
 * do; joining hands it a bootstrap list through its host. Nothing reads the node's state from outside.
 */
final class ProcessPeer implements DataPeer {

    private final HostProcess host;
    private final int slot;
    private final HostPort api;
    private final Executor calls;

    ProcessPeer(HostProcess host, int slot, HostPort api, Executor calls) {
        this.host = host;
        this.slot = slot;
        this.api = api;
        this.calls = calls;
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> peers) {
        return host.join(slot, peers);
    }

    @Override
    public CompletableFuture<ItemKey> store(byte[] item) {
        return CompletableFuture.supplyAsync(() -> {
            try (ControlClient client = new ControlClient(api, null)) {
                return new ItemKey(ContentId.parse(client.put(item)).toHex());
            } catch (ControlException e) {
                throw new CompletionException(e);
            }
        }, calls);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> retrieve(ItemKey key) {
        String id = ContentId.fromBytes(HexFormat.of().parseHex(key.hex())).toString();
        return CompletableFuture.supplyAsync(() -> {
            try (ControlClient client = new ControlClient(api, null)) {
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                client.get(id, content);
                return Optional.of(content.toByteArray());
            } catch (ControlException e) {
                if (e.kind() == ControlException.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw new CompletionException(e);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, calls);
    }
}
