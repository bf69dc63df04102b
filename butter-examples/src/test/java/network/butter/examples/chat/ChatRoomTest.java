package network.butter.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Chat rooms between real nodes on loopback: every line reaches every member once, and only the room. */
class ChatRoomTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<ButterNode> nodes = new ArrayList<>();

    /** A chat node and what it has shown. */
    private record Member(ButterNode node, ChatRoom room, List<String> shown) {
    }

    @AfterEach
    void stop() {
        nodes.forEach(ButterNode::close);
    }

    @Test
    void shouldDeliverEachLineToEveryMemberOfTheRoomOnceAndToNoOtherRoom() {
        Member first = member(null, "lobby", "ana");
        List<Member> lobby = new ArrayList<>(List.of(first));
        for (String nick : List.of("bo", "cy", "di", "ed", "fu", "gil", "hal")) {
            lobby.add(member(first, "lobby", nick));
        }
        Member elsewhere = member(first, "kitchen", "zed");
        lobby.forEach(m -> m.room().join());
        elsewhere.room().join();
        await().atMost(BOUND).until(() -> lobby.stream().allMatch(m -> m.room().members().size() >= 3));

        lobby.get(3).room().say("hello, room");

        for (Member m : lobby) {
            await().atMost(BOUND).until(() -> m.shown().contains("<di> hello, room"));
        }
        assertThat(lobby).allSatisfy(m -> assertThat(m.shown()).containsOnlyOnce("<di> hello, room"));
        assertThat(elsewhere.shown()).doesNotContain("<di> hello, room");
        await().atMost(BOUND).until(() -> first.shown().contains("* hal joined"));
    }

    @Test
    void shouldTellTheRoomWhenSomeoneLeaves() {
        Member ana = member(null, "lobby", "ana");
        Member bo = member(ana, "lobby", "bo");
        ana.room().join();
        bo.room().join();
        await().atMost(BOUND).until(() -> ana.shown().contains("* bo joined") && !bo.room().members().isEmpty());

        bo.room().close();

        await().atMost(BOUND).until(() -> ana.shown().contains("* bo left"));
        assertThat(ana.room().members()).extracting(PeerAddress::id).doesNotContain(bo.node().id());
    }

    @Test
    void shouldRefuseLinesThatAreTooLongOrTooFast() {
        Member ana = member(null, "lobby", "ana");
        ana.room().join();

        assertThatThrownBy(() -> ana.room().say("x".repeat(ChatMessage.MAX_TEXT_BYTES + 1))).hasMessageContaining("text must be");
        assertThatThrownBy(() -> ana.room().say("bell\u0007")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10 * ChatRoom.BURST; i++) {
                ana.room().say("line " + i);
            }
        }).hasMessageContaining("slow down");
        assertThat(ana.shown().stream().filter(line -> line.startsWith("<ana> line "))).hasSizeLessThan(2 * ChatRoom.BURST);
    }

    @Test
    void shouldRoundTripEveryKindOfMessageAndRefuseMalformedBytes() throws Exception {
        ButterNode node = start();
        ChatMessage say = new ChatMessage(ChatMessage.Kind.SAY, new byte[16], 3, node.address(), "lobby", "ana", "hi ✓");

        assertThat(ChatMessage.decode(say.encode())).isEqualTo(say);
        byte[] truncated = java.util.Arrays.copyOf(say.encode(), 20);
        assertThatThrownBy(() -> ChatMessage.decode(truncated)).isInstanceOf(network.butter.wire.WireFormatException.class);
        byte[] wrongVersion = say.encode();
        wrongVersion[0] = 9;
        assertThatThrownBy(() -> ChatMessage.decode(wrongVersion)).hasMessageContaining("version 9");
    }

    private Member member(Member bootstrap, String room, String nick) {
        List<String> shown = new CopyOnWriteArrayList<>();
        ButterNode node = Butter.node(cfg -> {
            cfg.host("127.0.0.1").port(0).storage(false);
            if (bootstrap != null) {
                cfg.bootstrap(bootstrap.node().address().hostPort());
            }
        });
        ChatRoom chat = ChatRoom.serve(node, room, nick, () -> node.knownHosts().hosts().stream().map(h -> h.address()).toList(),
            message -> shown.add(switch (message.kind()) {
                case SAY -> "<" + message.nick() + "> " + message.text();
                case JOIN -> "* " + message.nick() + " joined";
                case LEAVE -> "* " + message.nick() + " left";
            }));
        node.start();
        nodes.add(node);
        return new Member(node, chat, shown);
    }

    private ButterNode start() {
        ButterNode node = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).storage(false)).start();
        nodes.add(node);
        return node;
    }
}
