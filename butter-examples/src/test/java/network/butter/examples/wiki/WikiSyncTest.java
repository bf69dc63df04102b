package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import network.butter.identity.NodeIdentity;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.store.ContentId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Record sync rounds between two nodes on loopback, driven one round at a time. */
class WikiSyncTest {

    private final ButterNode holder = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false));
    private final ButterNode full = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false));

    @AfterEach
    void stop() {
        full.close();
        holder.close();
    }

    @Test
    void shouldNotPullAgainFromAPeerWhoseRecordsItRefusedUntilThatPeerChanges() {
        NodeIdentity ana = NodeIdentity.generate(new SecureRandom());
        PageIndex holdersIndex = new PageIndex();
        holdersIndex.add(PageRecord.sign(ana, "ana", "A", 1, RecordId.NONE, ContentId.of(new byte[] {1}), 1));
        holdersIndex.add(PageRecord.sign(ana, "ana", "B", 1, RecordId.NONE, ContentId.of(new byte[] {2}), 1));
        new WikiSync(holder, holdersIndex, List::of);
        holder.start();
        PageIndex smallIndex = new PageIndex(1, 1, 1);
        WikiSync sync = new WikiSync(full, smallIndex, () -> List.of(holder.address()));
        full.start();

        sync.round();
        sync.round();
        sync.round();

        assertThat(smallIndex.size()).isEqualTo(1);
        assertThat(pullsSent()).as("one whole pull, then summaries only").isEqualTo(1);
        holdersIndex.add(PageRecord.sign(ana, "ana", "C", 1, RecordId.NONE, ContentId.of(new byte[] {3}), 1));
        sync.round();
        assertThat(pullsSent()).as("the holder changed: pulled again").isEqualTo(2);
    }

    private long pullsSent() {
        return full.stats().requestsSentByRoute().getOrDefault(WikiSync.PULL, 0L);
    }
}
