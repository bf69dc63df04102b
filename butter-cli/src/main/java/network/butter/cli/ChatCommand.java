package network.butter.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import network.butter.examples.chat.ChatApp;
import network.butter.identity.HostPort;
import network.butter.node.NodeConfig;
import network.butter.node.discover.DiscoveryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code butter chat --room NAME --nick NAME}: a terminal chat room over the overlay (see
 * {@link network.butter.examples.chat.ChatRoom}). It runs a node of its own, without storage: chat is not kept.
 */
@Command(
    name = "chat",
    description = {
        "Join a chat room: every line you type reaches everyone in the room, through the peers your node finds.",
        "Lines appear as '<nick> text', arrivals and departures as '* nick joined' / '* nick left'. Ctrl-D leaves."})
final class ChatCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--room", required = true, paramLabel = "NAME", description = "The room to join.")
    private String room;

    @Option(names = "--nick", paramLabel = "NAME", description = "Your name in the room (default: your user name).")
    private String nick;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
        description = "Address to listen on (default ${DEFAULT-VALUE}: the LAN finds you; 127.0.0.1 keeps it on this machine).")
    private String host;

    @Option(names = {"-p", "--port"}, converter = Converters.ListenPort.class, defaultValue = "0", paramLabel = "PORT",
        description = "TCP port to listen on; 0 picks any free port.")
    private int port;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "A node to join the network through (repeatable).")
    private List<HostPort> bootstrap = new ArrayList<>();

    /** Chats until standard input ends; see {@link ChatApp#run}. */
    @Override
    public Integer call() {
        NodeConfig.Builder config = NodeConfig.builder().host(host).port(port).storage(false);
        bootstrap.forEach(config::bootstrap);
        if (!isLoopback(host)) {
            config.discovery(DiscoveryConfig.defaults());
        }
        String name = nick != null ? nick : System.getProperty("user.name", "anonymous");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        return ChatApp.run(config.build(), room, name, stdin, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
