package network.butter.examples.guide;

// snippet: pinboard
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import network.butter.api.Reply;
import network.butter.hosts.KnownHost;
import network.butter.node.ButterNode;
import network.butter.store.ContentId;

/** A board of short notes that every node shows, and that outlive the node that pinned them. */
public final class Pinboard {

    static final String ROUTE = "pinboard/v1/pin";
    static final int MAX_PINS = 1_000;

    private final ButterNode node;
    private final Set<ContentId> pins = new CopyOnWriteArraySet<>();

    public Pinboard(ButterNode node) {
        this.node = node;
        // Server side: another node tells this one about a note it pinned.
        node.handle(ROUTE, request -> {
            ContentId id = ContentId.parse(request.text()); // a malformed id fails only this request
            if (pins.size() < MAX_PINS) {
                pins.add(id);
            }
            return Reply.text("ok");
        });
    }

    /** Stores the note in the network, then tells every node this one knows. */
    public ContentId pin(String note) {
        ContentId id = node.storage().put(note.getBytes(UTF_8)).join(); // once enough nodes hold a copy
        pins.add(id);
        for (KnownHost host : node.knownHosts().hosts()) {
            node.request(host.address(), ROUTE, id.toString()); // not waited for: a node that is gone misses it
        }
        return id;
    }

    /** Every note this node has heard of, read from the network's storage. */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (ContentId id : pins) {
            notes.add(new String(node.storage().get(id).join(), UTF_8)); // checked against its id
        }
        return notes;
    }
}
// end: pinboard
