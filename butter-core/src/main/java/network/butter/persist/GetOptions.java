package network.butter.persist;

import java.util.Objects;
import java.util.function.Consumer;
import network.butter.retrieve.SearchStrategy;

/**
 * How one {@link Storage#get(network.butter.store.ContentId, GetOptions)} runs.
 *
 * @param strategy how to search for blocks no known member holds, or null for the retrieval layer's default
 * @param progress told after each verified block of a long fetch, on an application thread (never the node
 *                 loop), in order; may do nothing
 */
public record GetOptions(SearchStrategy strategy, Consumer<FetchProgress> progress) {

    private static final GetOptions DEFAULTS = new GetOptions(null, progress -> { });

    /** Checks the listener. */
    public GetOptions {
        Objects.requireNonNull(progress, "progress (use a no-op listener for none)");
    }

    /** The default strategy and no progress reports. */
    public static GetOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another search strategy. */
    public GetOptions withStrategy(SearchStrategy value) {
        return new GetOptions(value, progress);
    }

    /** A copy that reports progress to {@code listener}. */
    public GetOptions withProgress(Consumer<FetchProgress> listener) {
        return new GetOptions(strategy, listener);
    }
}
