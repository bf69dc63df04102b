package network.butter.examples.wiki;

import java.time.Duration;
import network.butter.identity.HostPort;
import network.butter.node.Butter;
import network.butter.node.ButterNode;

/**
 * A real node on 127.0.0.1 with a wiki on it, for tests: started, joined, syncing every {@link #SYNC_INTERVAL}.
 *
 * @param node the node
 * @param wiki its wiki
 */
record WikiNode(ButterNode node, Wiki wiki) implements AutoCloseable {

    /** Short, so that tests wait little for the rounds that find wiki nodes. */
    static final Duration SYNC_INTERVAL = Duration.ofMillis(300);

    /** Starts a node (bootstrapping from {@code bootstrap} unless null) and its wiki, whose author is {@code author}. */
    static WikiNode start(HostPort bootstrap, String author) {
        ButterNode node = Butter.node(cfg -> {
            cfg.host("127.0.0.1").port(0);
            if (bootstrap != null) {
                cfg.bootstrap(bootstrap);
            }
        });
        Wiki wiki = Wiki.serve(node, node::storage, () -> node.knownHosts().hosts().stream().map(h -> h.address()).toList(),
            WikiAuthor.ephemeral(author));
        node.start();
        wiki.join(SYNC_INTERVAL);
        return new WikiNode(node, wiki);
    }

    /** How many known hosts the node has admitted. */
    int knownHosts() {
        return node.knownHosts().hosts().size();
    }

    @Override
    public void close() {
        wiki.close();
        node.shutdown(Duration.ofSeconds(1)).join();
    }
}
