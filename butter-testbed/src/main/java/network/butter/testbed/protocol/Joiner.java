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
 */
public final class Joiner implements Protocol {

    /** How long a join waits for the first known host before counting as done anyway, in milliseconds. */
    static final long JOIN_LIMIT_MS = 55_000;

    private final CompletableFuture<ProtocolContext> started = new CompletableFuture<>();

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
        }));
        return joined;
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
