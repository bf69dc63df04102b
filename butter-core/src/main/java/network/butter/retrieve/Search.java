package network.butter.retrieve;

import java.util.ArrayList;
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
 * are no likely holders), and again, wider, if a round finds nobody (see {@link SearchStrategy#nextRound()}). The
 * requester {@link #close()}s it once it has what it needs: later hits are ignored. Every method must be called on
 * the node loop.
 */
public final class Search {

    /**
     * Most rounds of one search: the first, and wider ones while rounds find nobody (see
     * {@link SearchStrategy#nextRound()}). Bounds a search's messages and its time to {@code MAX_ROUNDS} search
     * timeouts.
     */
    static final int MAX_ROUNDS = 3;

    private final Retrieval retrieval;
    private final SearchStrategy strategy;
    /** The ids of every round's query: hits for any of them count. */
    private final List<QueryId> ids = new ArrayList<>(MAX_ROUNDS);
    private SearchQuery query;
    private SearchStrategy roundStrategy;
    /** Candidates heard of since this round's query went out. */
    private int candidatesThisRound;
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
        this.roundStrategy = strategy;
        this.listener = listener;
        ids.add(query.id());
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
     * its last round passed its search timeout (a round that brings no candidate is followed by a wider one while
     * the strategy has one, up to {@link #MAX_ROUNDS} rounds).
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
        if (retrieval.sendFirstHops(query, roundStrategy) == 0) {
            close();
            return;
        }
        candidatesThisRound = 0;
        timeout = retrieval.context().loop().schedule(retrieval.config().searchTimeoutMs(), this::roundOver);
    }

    /**
     * A round's timeout passed. If it brought no candidate at all, and the strategy has a wider round, the query goes
     * out again, with a new id (nodes the last walk passed would otherwise drop it) and the wider strategy's
     * parameter: a walk covers a random part of a large network, and a second, wider one is paid for by misses alone.
     * Summaries that arrived meanwhile (a node that just joined is still hearing from its known hosts) steer it.
     */
    private void roundOver() {
        SearchStrategy wider = roundStrategy.nextRound();
        if (over.isDone() || ids.size() >= MAX_ROUNDS || wider == null || candidatesThisRound > 0) {
            close();
            return;
        }
        roundStrategy = wider;
        query = retrieval.nextRound(this, query, wider);
        ids.add(query.id());
        List<Candidate> likely = retrieval.likelyHolders(query.block(), wider);
        likely.forEach(this::offer);
        int sent = retrieval.sendFirstHops(query, wider);
        candidatesThisRound = 0;
        if (sent == 0 && likely.isEmpty()) {
            close();
            return;
        }
        timeout = retrieval.context().loop().schedule(retrieval.config().searchTimeoutMs(), this::roundOver);
    }

    /** Ends the search: the requester has what it needs, or gives up. Idempotent. */
    public void close() {
        if (over.isDone()) {
            return;
        }
        timeout.cancel();
        retrieval.finished(ids);
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
            candidatesThisRound++;
            listener.accept(candidate);
        }
    }
}
