package network.butter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import network.butter.examples.wiki.WikiApp;
import network.butter.examples.wiki.WikiAuthor;
import network.butter.examples.wiki.WikiServer;
import network.butter.identity.HostPort;
import network.butter.node.NodeConfig;
import network.butter.node.discover.DiscoveryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code butter wiki}: runs a node with storage and the wiki on it (see {@link network.butter.examples.wiki.Wiki}),
 * with its browser UI on {@code http://127.0.0.1:8000/}, until stopped.
 */
@Command(
    name = "wiki",
    description = {
        "Run a wiki node: pages live in the network's storage and outlive this node; open the printed address in a browser.",
        "Anyone on the network may edit; every edit is signed with your author key and kept in the page's history."})
final class WikiCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--nick", paramLabel = "NAME", description = "Your name beside your edits (default: your user name).")
    private String nick;

    @Option(names = "--http-port", converter = Converters.ListenPort.class, defaultValue = "" + WikiServer.DEFAULT_PORT,
        paramLabel = "PORT", description = "Port of the wiki's web page on 127.0.0.1; 0 picks any free port.")
    private int httpPort;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
        description = "Address the node listens on (0.0.0.0: the LAN finds you; 127.0.0.1 keeps it on this machine).")
    private String host;

    @Option(names = {"-p", "--port"}, converter = Converters.ListenPort.class, defaultValue = "0", paramLabel = "PORT",
        description = "TCP port the node listens on; 0 picks any free port.")
    private int port;

    @Option(names = "--data-dir", paramLabel = "DIR", showDefaultValue = Visibility.NEVER,
        description = "Directory for the node's key, its storage chunks and your author key (" + WikiAuthor.KEY_FILE
            + ") and the wiki's records (" + WikiApp.RECORD_FILE + "), kept across restarts. Default: none, fresh keys every run.")
    private Path dataDirectory;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", showDefaultValue = Visibility.NEVER,
        description = "A node to join the network through (repeatable).")
    private List<HostPort> bootstrap = new ArrayList<>();

    /** Runs the wiki until Ctrl-C; see {@link WikiApp#start}. */
    @Override
    public Integer call() {
        NodeConfig.Builder config = NodeConfig.builder().host(host).port(port)
            .dataDirectory(dataDirectory == null ? null : dataDirectory.toAbsolutePath());
        bootstrap.forEach(config::bootstrap);
        if (!isLoopback(host)) {
            config.discovery(DiscoveryConfig.defaults());
        }
        String author = nick != null ? nick : System.getProperty("user.name", "anonymous");
        PrintWriter out = spec.commandLine().getOut();
        WikiApp app = WikiApp.start(config.build(), author, "127.0.0.1", httpPort, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread closeOnExit = new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "butter-wiki-shutdown");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
        PrintWriter err = spec.commandLine().getErr();
        err.println("running; open the wiki address in a browser, stop with Ctrl-C");
        err.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already shutting down: the hook closes the wiki itself.
            }
            app.close();
        }
        return 0;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
