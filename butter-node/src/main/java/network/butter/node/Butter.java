package network.butter.node;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a Butter application starts.
 *
 * <pre>{@code
 * try (ButterNode node = Butter.node(cfg -> cfg.port(7000)).start()) {
 *     node.handle("ohce/reverse", req -> Reply.text(new StringBuilder(req.text()).reverse().toString()));
 *     ...
 * }
 * }</pre>
 */
public final class Butter {

    private Butter() {
    }

    /**
     * Creates a node, not yet started: register routes, then call {@link ButterNode#start()}.
     *
     * @param configure sets what differs from the defaults (see {@link NodeConfig})
     */
    public static ButterNode node(Consumer<NodeConfig.Builder> configure) {
        Objects.requireNonNull(configure, "configure");
        NodeConfig.Builder builder = NodeConfig.builder();
        configure.accept(builder);
        return new ButterNode(builder.build());
    }

    /** Creates a node with the given configuration, not yet started. */
    public static ButterNode node(NodeConfig config) {
        return new ButterNode(Objects.requireNonNull(config, "config"));
    }
}
