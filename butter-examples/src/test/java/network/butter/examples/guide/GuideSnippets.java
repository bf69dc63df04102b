package network.butter.examples.guide;

import java.util.ArrayList;
import java.util.List;
import network.butter.api.Reply;
import network.butter.node.Butter;
import network.butter.node.ButterNode;

/** The code of {@code docs/GUIDE.md}, which {@link GuideTest} runs and compares with the guide. */
final class GuideSnippets {

    private GuideSnippets() {
    }

    // snippet: hello
    static String hello() {
        try (ButterNode server = Butter.node(cfg -> cfg.host("127.0.0.1").port(0)).start();
             ButterNode client = Butter.node(cfg -> cfg.host("127.0.0.1").port(0)).start()) {

            server.handle("hello/v1", request -> Reply.text("hello, " + request.text()));

            Reply reply = client.requestBlocking(server.address(), "hello/v1", "ana");
            return reply.text(); // "hello, ana"
        }
    }
    // end: hello

    // snippet: network
    static List<ButterNode> startNetwork(int size) {
        List<ButterNode> nodes = new ArrayList<>();
        ButterNode first = Butter.node(cfg -> cfg.host("127.0.0.1").port(0)).start();
        nodes.add(first);
        for (int i = 1; i < size; i++) {
            nodes.add(Butter.node(cfg -> cfg.host("127.0.0.1").port(0).bootstrap(first.address().hostPort())).start());
        }
        return nodes; // each one soon knows the others: its bootstrap node tells it about them
    }
    // end: network

    // snippet: outlive
    static List<String> pinThenLeave(List<ButterNode> nodes) {
        Pinboard mine = new Pinboard(nodes.get(0));
        Pinboard theirs = new Pinboard(nodes.get(1));

        mine.pin("Butter on toast at 8");
        nodes.get(0).close(); // the node that pinned the note leaves the network

        return theirs.notes(); // ["Butter on toast at 8"], read from the copies other nodes keep
    }
    // end: outlive
}
