package network.butter.testbed.protocol;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import network.butter.hosts.KnownHosts;
import network.butter.identity.PeerAddress;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;

/**
 * Hands the scenario's peers to the node's known hosts on the node loop, like a bootstrap list; the join is
 * done once one of them is admitted (or after {@link #JOIN_LIMIT_MS}, so a lonely node does not hold the
 * scenario up).
 *
 * <p>A joiner made by {@link #knockingWhileLonely()} goes on as {@code butter node --bootstrap} does: whenever the
 * node is left with no known host (every handshake of a crowded start timed out, or its few hosts died), it offers
 * the same peers again, the pause doubling up to {@link #MAX_LONELY_PAUSE_MS}. Real and process runs use it; the
 * simulator keeps the one-shot join its traces were recorded with.
 */
public final class Joiner implements Protocol {

    /** How long a join waits for the first known host before counting as done anyway, in milliseconds. */
    static final long JOIN_LIMIT_MS = 55_000;

    /** Longest pause between two offers of the peers to a node with no known host, in milliseconds. */
    static final long MAX_LONELY_PAUSE_MS = 60_000;

    private final CompletableFuture<ProtocolContext> started = new CompletableFuture<>();
    private final boolean knockWhileLonely;

    /** A one-shot joiner: the peers are offered until one is admitted or the join's limit passes. */
    public Joiner() {
        this(false);
    }

    private Joiner(boolean knockWhileLonely) {
        this.knockWhileLonely = knockWhileLonely;
    }

    /** A joiner that also offers the peers again whenever the node is left with no known host. */
    public static Joiner knockingWhileLonely() {
        return new Joiner(true);
    }

    @Override
    public String name() {
        return "testbed-join";
    }

    @Override
    public void start(ProtocolContext ctx) {
        started.complete(ctx);
    }

    /**
     * Offers {@code peers} to the node's known hosts, on the node loop.
     *
     * @return completes once one of them is admitted, or after {@link #JOIN_LIMIT_MS}, or at once if there are none
     */
    public CompletableFuture<Void> join(List<PeerAddress> peers) {
        CompletableFuture<Void> joined = new CompletableFuture<>();
        started.thenAccept(context -> context.loop().execute(() -> {
            KnownHosts hosts = context.protocol(KnownHosts.class).orElseThrow();
            if (peers.isEmpty()) {
                joined.complete(null);
                return;
            }
            hosts.onAdmitted(host -> joined.complete(null));
            context.loop().schedule(JOIN_LIMIT_MS, () -> joined.complete(null));
            offer(context, hosts, peers, joined);
            if (knockWhileLonely) {
                long firstPauseMs = hosts.config().pollIntervalMs() + 1;
                joined.thenRun(() -> context.loop().schedule(firstPauseMs,
                    () -> knock(context, hosts, peers, firstPauseMs, firstPauseMs)));
            }
        }));
        return joined;
    }

    /** Offers the peers if the node knows no host, then looks again after a pause that doubles while lonely. */
    private static void knock(ProtocolContext context, KnownHosts hosts, List<PeerAddress> peers, long pauseMs,
                              long firstPauseMs) {
        long nextPauseMs = firstPauseMs;
        if (hosts.lonely()) {
            peers.forEach(hosts::offer);
            nextPauseMs = Math.min(MAX_LONELY_PAUSE_MS, pauseMs * 2);
        }
        long pause = nextPauseMs;
        context.loop().schedule(pauseMs, () -> knock(context, hosts, peers, pause, firstPauseMs));
    }

    /**
     * Offers the peers, and again after each poll interval until one is admitted: a whole real cluster starting
     * at once can make the first polls time out, and the known hosts do not retry a rejected candidate alone.
     */
    private static void offer(ProtocolContext context, KnownHosts hosts, List<PeerAddress> peers,
                              CompletableFuture<Void> joined) {
        if (joined.isDone()) {
            return;
        }
        peers.forEach(hosts::offer);
        context.loop().schedule(hosts.config().pollIntervalMs() + 1, () -> offer(context, hosts, peers, joined));
    }
}
