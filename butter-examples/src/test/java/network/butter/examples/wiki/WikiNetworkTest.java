package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.store.ContentId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Wiki nodes on loopback, each a real node with storage: pages outlive the node that wrote them, and every wiki node
 * comes to the same current version.
 */
class WikiNetworkTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<WikiNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(WikiNode::close);
    }

    @Test
    void shouldReadAndEditAPageFromAnotherWikiAfterTheNodeThatWroteItIsGone() {
        WikiNode a = start(null, "ana");
        WikiNode b = start(a, "bo");
        WikiNode c = start(a, "cy");
        WikiNode d = start(a, "di");
        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.knownHosts() >= 3 && n.wiki().peers().size() >= 3));

        PageRecord created = a.wiki().save("Home", "# Welcome\nSee [[Recipes]].", RecordId.NONE);
        await().atMost(BOUND).until(() -> b.wiki().current("Home").isPresent() && c.wiki().current("Home").isPresent());
        PeerId gone = a.node().id();
        nodes.remove(a);
        a.close();
        await().atMost(BOUND).until(() -> b.node().knownHosts().hosts().stream().map(h -> h.address().id()).noneMatch(gone::equals));

        assertThat(b.wiki().current("Home")).contains(created);
        assertThat(b.wiki().text(created)).isEqualTo("# Welcome\nSee [[Recipes]].");
        PageRecord edited = b.wiki().save("Home", "# Welcome\nSee [[Recipes]] and [[Rules]].", created.id());

        assertThat(edited.version()).isEqualTo(2);
        assertThat(edited.author()).isEqualTo(b.wiki().author().key().peerId());
        for (WikiNode other : List.of(c, d)) {
            await().atMost(BOUND).until(() -> other.wiki().current("Home").filter(edited::equals).isPresent());
            assertThat(other.wiki().text(edited)).endsWith("and [[Rules]].");
            assertThat(other.wiki().history("Home")).extracting(e -> e.record().authorName()).containsExactly("bo", "ana");
        }

        WikiNode late = start(b, "ed");
        await().atMost(BOUND).until(() -> late.wiki().records() == 2);
        assertThat(late.wiki().current("Home")).contains(edited);
        assertThat(late.wiki().text(edited)).endsWith("and [[Rules]].");
        assertThat(late.wiki().text(created)).isEqualTo("# Welcome\nSee [[Recipes]].");
    }

    @Test
    void shouldAgreeOnOneCurrentVersionWhenTwoNodesEditTheSameVersionAtOnce() {
        WikiNode a = start(null, "ana");
        WikiNode b = start(a, "bo");
        WikiNode c = start(a, "cy");
        WikiNode d = start(a, "di");
        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.knownHosts() >= 3 && n.wiki().peers().size() >= 3));
        PageRecord first = a.wiki().save("Plans", "first", RecordId.NONE);
        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.wiki().current("Plans").isPresent()));

        PageRecord fromC = c.wiki().save("Plans", "c's plan", first.id());
        PageRecord fromD = d.wiki().save("Plans", "d's plan", first.id());

        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.wiki().records() == 3));
        PageRecord winner = fromD.timeMs() != fromC.timeMs() ? (fromD.timeMs() > fromC.timeMs() ? fromD : fromC)
            : (fromD.id().compareTo(fromC.id()) > 0 ? fromD : fromC);
        assertThat(nodes).allSatisfy(n -> {
            assertThat(n.wiki().current("Plans")).contains(winner);
            assertThat(n.wiki().history("Plans")).filteredOn(e -> e.state() == PageIndex.HistoryEntry.State.CONFLICT)
                .extracting(e -> e.record()).containsExactly(winner == fromC ? fromD : fromC);
        });
    }

    @Test
    void shouldFetchThePagesHistoryFromTheSenderWhenAPushedRecordsParentIsUnknown() {
        NodeIdentity ana = NodeIdentity.generate(new SecureRandom());
        PageRecord first = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, ContentId.of(new byte[] {1}), 1);
        PageRecord second = PageRecord.sign(ana, "ana", "Home", 2, first.id(), ContentId.of(new byte[] {2}), 2);
        PageIndex sendersIndex = new PageIndex();
        sendersIndex.add(first);
        sendersIndex.add(second);
        ButterNode sender = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false));
        new WikiSync(sender, sendersIndex, List::of);
        sender.start();
        ButterNode receiverNode = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false));
        Wiki receiver = Wiki.serve(receiverNode, () -> {
            throw new IllegalStateException("no storage in this test");
        }, List::of, WikiAuthor.ephemeral("bo")); // never joined: no rounds, only the push and what it triggers
        receiverNode.start();
        try {
            Reply reply = sender.requestBlocking(receiverNode.address(), WikiSync.PUSH, second.encode());

            assertThat(reply.payload()).containsExactly(PageIndex.Admission.MISSING_PARENT.ordinal());
            await().atMost(BOUND).until(() -> receiver.records() == 2);
            assertThat(receiver.current("Home")).contains(second);
        } finally {
            receiverNode.close();
            sender.close();
        }
    }

    @Test
    void shouldAnswerAForgedOrMalformedRecordWithAPreciseErrorAndKeepServing() {
        WikiNode receiver = start(null, "bo");
        ButterNode sender = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false)).start();
        NodeIdentity ana = NodeIdentity.generate(new SecureRandom());
        byte[] forged = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, ContentId.of(new byte[] {1}), 1).encode();
        forged[forged.length - 1] ^= 1;
        try {
            assertThatThrownBy(() -> sender.requestBlocking(receiver.node().address(), WikiSync.PUSH, forged))
                .isInstanceOf(RemoteHandlerException.class).hasMessageContaining("signature is not");
            assertThatThrownBy(() -> sender.requestBlocking(receiver.node().address(), WikiSync.PUSH, new byte[] {1, 2, 3}))
                .isInstanceOf(RemoteHandlerException.class).hasMessageContaining("malformed wiki record");
            assertThatThrownBy(() -> sender.requestBlocking(receiver.node().address(), WikiSync.PULL, new byte[] {9}))
                .isInstanceOf(RemoteHandlerException.class).hasMessageContaining("bad wiki pull");

            PageRecord real = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, ContentId.of(new byte[] {1}), 1);
            assertThat(sender.requestBlocking(receiver.node().address(), WikiSync.PUSH, real.encode()).payload())
                .containsExactly(PageIndex.Admission.ADDED.ordinal());
            assertThat(receiver.wiki().current("Home")).contains(real);
        } finally {
            sender.close();
        }
    }

    private WikiNode start(WikiNode bootstrap, String author) {
        WikiNode node = WikiNode.start(bootstrap == null ? null : bootstrap.node().address().hostPort(), author);
        nodes.add(node);
        return node;
    }
}
