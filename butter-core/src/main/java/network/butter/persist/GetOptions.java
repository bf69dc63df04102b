package network.butter.persist;

import java.util.Objects;
import java.util.function.Consumer;
import network.butter.api.Limits;
import network.butter.retrieve.SearchStrategy;
import network.butter.store.Chunker;

/**
 * How one {@link Storage#get(network.butter.store.ContentId, GetOptions)} runs.
 *
 * @param strategy        how to search for blocks no known member holds, or null for the retrieval layer's default
 * @param progress        told after each verified block of a long fetch, on an application thread (never the node
 *                        loop), in order; may do nothing
 * @param maxContentBytes the largest content this read accepts, in bytes: a manifest declaring more is refused
 *                        before any of its chunks is fetched, since the whole content is held in memory (default
 *                        {@link #forMemoryBudget a quarter} of the default memory budget, 128 MiB)
 */
public record GetOptions(SearchStrategy strategy, Consumer<FetchProgress> progress, long maxContentBytes) {

    private static final GetOptions DEFAULTS = new GetOptions(null, progress -> { },
        maxContentBytesFor(Limits.DEFAULT_MEMORY_BUDGET_BYTES));

    /** Checks the listener and the size limit. */
    public GetOptions {
        Objects.requireNonNull(progress, "progress (use a no-op listener for none)");
        if (maxContentBytes < 1 || maxContentBytes > Chunker.MAX_CONTENT_BYTES) {
            throw new IllegalArgumentException("maxContentBytes must be 1 to " + Chunker.MAX_CONTENT_BYTES + ", got "
                + maxContentBytes);
        }
    }

    /** The default strategy, no progress reports, and content up to 128 MiB. */
    public static GetOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults, but accepting content up to a quarter of {@code budgetBytes}, a node's memory budget. */
    public static GetOptions forMemoryBudget(long budgetBytes) {
        return DEFAULTS.withMaxContentBytes(maxContentBytesFor(budgetBytes));
    }

    private static long maxContentBytesFor(long budgetBytes) {
        return Math.max(1, Math.min(Chunker.MAX_CONTENT_BYTES, budgetBytes / 4));
    }

    /** A copy with another search strategy. */
    public GetOptions withStrategy(SearchStrategy value) {
        return new GetOptions(value, progress, maxContentBytes);
    }

    /** A copy that reports progress to {@code listener}. */
    public GetOptions withProgress(Consumer<FetchProgress> listener) {
        return new GetOptions(strategy, listener, maxContentBytes);
    }

    /** A copy that accepts content up to {@code value} bytes. */
    public GetOptions withMaxContentBytes(long value) {
        return new GetOptions(strategy, progress, value);
    }
}
