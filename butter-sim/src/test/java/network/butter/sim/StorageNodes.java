package network.butter.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import network.butter.persist.PeerContentGroups;
import network.butter.store.ContentId;

/** Small helpers shared by the storage tests on the simulator. */
final class StorageNodes {

    private StorageNodes() {
    }

    /** The running nodes whose storage holds {@code block} (nodes without storage are skipped). */
    static List<SimNode> holders(Simulation sim, Map<SimNode, PeerContentGroups> storage, ContentId block) {
        List<SimNode> holders = new ArrayList<>();
        for (SimNode node : sim.running()) {
            PeerContentGroups groups = storage.get(node);
            if (groups != null && groups.holds(block)) {
                holders.add(node);
            }
        }
        return holders;
    }

    static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The cause inside a {@link CompletionException}, or the error itself. */
    static Throwable causeOf(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
