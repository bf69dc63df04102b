package network.butter.retrieve;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import network.butter.env.Cancellable;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * One search in progress on the requester, driven from the node loop: it hands each {@link Candidate} it learns
 * of to its listener, once per holder (and once more if a holder a summary suggested confirms it). It begins with the strategy's zero-message {@linkplain
 * SearchStrategy#likelyHolders likely holders}; the query itself goes out on {@link #widen()} (at once if there
 * are no likely holders). The requester {@link #close()}s it once it has what it needs: later hits are ignored.
 * Every method must be called on the node loop.
 */
public final class Search {

    private final Retrieval retrieval;
    private final SearchQuery query;
    private final SearchStrategy strategy;
    private final Consumer<Candidate> listener;
    private final Set<PeerId> suggested = new HashSet<>();
    private final Set<PeerId> confirmed = new HashSet<>();
    private final Set<PeerId> judged = new HashSet<>();
    private final CompletableFuture<Void> over = new CompletableFuture<>();
    private Cancellable timeout = Cancellable.NONE;
    private boolean widened;

    Search(Retrieval retrieval, SearchQuery query, SearchStrategy strategy, Consumer<Candidate> listener) {
        this.retrieval = retrieval;
        this.query = query;
        this.strategy = strategy;
        this.listener = listener;
    }

    /** The block searched for. */
    public ContentId block() {
        return query.block();
    }

    /** The strategy in use. */
    public SearchStrategy strategy() {
        return strategy;
    }

    /** Whether the query has gone out (or there was nobody to send it to). */
    public boolean widened() {
        return widened;
    }

    /**
     * Completes when no more candidates will come: the search was closed, or its query found nobody to go to, or
     * no hit came within the search timeout after the query went out.
     */
    public CompletableFuture<Void> over() {
        return over;
    }

    /** Sends the query, if it has not gone out yet. */
    public void widen() {
        if (widened || over.isDone()) {
            return;
        }
        widened = true;
        if (retrieval.sendFirstHops(query, strategy) == 0) {
            close();
            return;
        }
        timeout = retrieval.context().loop().schedule(retrieval.config().searchTimeoutMs(), this::close);
    }

    /** Ends the search: the requester has what it needs, or gives up. Idempotent. */
    public void close() {
        if (over.isDone()) {
            return;
        }
        timeout.cancel();
        retrieval.finished(query.id());
        over.complete(null);
    }

    /**
     * Tells the search what a candidate said when the block was fetched from it. A candidate suggested by its summary
     * alone that turns out not to hold the block counts against that summary (three such misses, outnumbering its
     * true claims, and this node ignores the host's summaries for a while), so a lying summary soon stops drawing
     * fetches and queries. Once per candidate; others are ignored.
     *
     * @param holder the peer asked
     * @param held   whether it returned a verified copy
     */
    public void fetched(PeerId holder, boolean held) {
        if (suggested.contains(holder) && !confirmed.contains(holder) && judged.add(holder)) {
            retrieval.summaryOutcome(holder, held);
        }
    }

    void start(List<Candidate> likely) {
        likely.forEach(this::offer);
        if (likely.isEmpty()) {
            widen();
        }
    }

    void offer(Candidate candidate) {
        Set<PeerId> told = candidate.confirmed() ? confirmed : suggested;
        if (!over.isDone() && told.add(candidate.holder().id())) {
            listener.accept(candidate);
        }
    }
}
