package network.butter.examples.wiki;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;

/**
 * {@code butter wiki}: a node with storage, the wiki on it, and the wiki's browser UI on loopback. With a data
 * directory, the author's key ({@value WikiAuthor#KEY_FILE}) and the wiki's records ({@value #RECORD_FILE}) are kept
 * there, so edits made across restarts carry the same key and a restarted node knows every page at once.
 */
public final class WikiApp implements AutoCloseable {

    /** The file in the data directory that keeps the wiki's records ({@link RecordLog}). */
    public static final String RECORD_FILE = "wiki-records.log";

    private final ButterNode node;
    private final Wiki wiki;
    private final WikiServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WikiApp(ButterNode node, Wiki wiki, WikiServer server) {
        this.node = node;
        this.wiki = wiki;
        this.server = server;
    }

    /**
     * Starts a node, its wiki and the browser UI, and prints where they are.
     *
     * @param config     the node's configuration; it must have storage
     * @param authorName the name shown beside this node's edits
     * @param httpHost   the loopback address the UI listens on
     * @param httpPort   the UI's port (0 picks a free one)
     * @param out        gets {@code address: …} and {@code wiki: http://…} lines, for people and scripts
     * @throws IllegalArgumentException if the configuration has no storage, the author name is not acceptable, or
     *                                  the UI address is not loopback
     * @throws java.io.UncheckedIOException if the UI's port is taken (the node is closed again)
     */
    public static WikiApp start(NodeConfig config, String authorName, String httpHost, int httpPort, PrintWriter out) {
        if (config.storage() == null) {
            throw new IllegalArgumentException("the wiki keeps its pages in Butter's storage: the node needs storage");
        }
        ButterNode node = Butter.node(config).start(); // first: it locks the data directory the wiki's files live in
        Wiki wiki;
        try {
            WikiAuthor author = config.dataDirectory() == null ? WikiAuthor.ephemeral(authorName)
                : WikiAuthor.loadOrCreate(config.dataDirectory(), authorName);
            wiki = Wiki.serve(node, node::storage, () -> node.knownHosts().hosts().stream().map(host -> host.address()).toList(), author,
                config.dataDirectory() == null ? null : config.dataDirectory().resolve(RECORD_FILE));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        try {
            WikiServer server = WikiServer.start(wiki, httpHost, httpPort);
            wiki.join();
            out.println("peer id: " + node.id());
            node.addresses().forEach(address -> out.println("address: " + address));
            out.println("wiki: " + server.url());
            out.println("author: " + wiki.author().name() + " (" + wiki.author().key().peerId() + ")");
            out.flush();
            return new WikiApp(node, wiki, server);
        } catch (RuntimeException e) {
            wiki.close();
            node.close();
            throw e;
        }
    }

    /** The node the wiki runs on. */
    public ButterNode node() {
        return node;
    }

    /** The wiki. */
    public Wiki wiki() {
        return wiki;
    }

    /** The browser UI. */
    public WikiServer server() {
        return server;
    }

    /** Stops the UI, the wiki's rounds and the node; closing twice is harmless. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.close();
        wiki.close();
        node.close();
    }
}
