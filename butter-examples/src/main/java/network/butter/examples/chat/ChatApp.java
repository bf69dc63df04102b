package network.butter.examples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;

/**
 * {@code butter chat}: a terminal chat room. Starts a node, joins the room through the peers the node finds (LAN
 * discovery, {@code --bootstrap}, peer exchange), prints every line said in the room as {@code <nick> text} and joins
 * and leaves as {@code * nick joined} / {@code * nick left}, and says each line typed. Ctrl-D (end of input) leaves.
 */
public final class ChatApp {

    private ChatApp() {
    }

    /**
     * Runs the chat until {@code input} ends.
     *
     * @param config the node's configuration (where it listens, whom it bootstraps from)
     * @param room   the room to join
     * @param nick   the name others see
     * @param input  the lines to say, e.g. the terminal
     * @param out    the room's lines and notices
     * @param err    the node's address and errors (a line too long, speaking too fast)
     * @return 0 when the input ended normally
     * @throws IllegalArgumentException if the room or nick is not acceptable
     */
    public static int run(NodeConfig config, String room, String nick, BufferedReader input, PrintWriter out, PrintWriter err) {
        ButterNode node = Butter.node(config);
        ChatRoom chat = ChatRoom.serve(node, room, nick, () -> node.knownHosts().hosts().stream()
            .map(host -> host.address()).toList(), message -> show(message, out));
        node.start();
        try {
            err.println("address: " + node.address());
            err.println("joined #" + room + " as " + nick + "; type to talk, Ctrl-D to leave");
            err.flush();
            chat.join();
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (chat.say(line) == 0) {
                        err.println("(no one else is in #" + room + " yet: your line reached nobody)");
                        err.flush();
                    }
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("error: " + e.getMessage());
                    err.flush();
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input", e);
        } finally {
            chat.close();
            node.close();
        }
    }

    private static void show(ChatMessage message, PrintWriter out) {
        synchronized (out) {
            switch (message.kind()) {
                case SAY -> out.println("<" + message.nick() + "> " + message.text());
                case JOIN -> out.println("* " + message.nick() + " joined");
                case LEAVE -> out.println("* " + message.nick() + " left");
            }
            out.flush();
        }
    }
}
