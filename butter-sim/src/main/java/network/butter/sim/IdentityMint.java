package network.butter.sim;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import network.butter.identity.NodeIdentity;

/**
 * The keys of a simulation's nodes, made ahead of need on a helper thread: an Ed25519 key pair costs about half a
 * millisecond of CPU, which at 100,000 nodes and as many replacements under churn was minutes of the simulation's
 * one thread, while the machine's second core waited.
 *
 * <p>Determinism does not depend on the helper: the {@code n}th identity is made from the {@code n}th seed of the
 * mint's own stream, whichever thread makes it and whenever. If the helper has not started on the next one when it
 * is needed, the simulation's thread makes it itself. As many are kept in the making as have been taken so far, up
 * to {@value #MOST_AHEAD}, so a ten-node test makes no more than ten spare keys.
 */
final class IdentityMint {

    /** Most identities made ahead of need. */
    static final int MOST_AHEAD = 256;

    /** One helper thread for every simulation of the JVM: idle when none spawns nodes. */
    private static final ExecutorService HELPER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "butter-sim-identity-mint");
        thread.setDaemon(true);
        return thread;
    });

    private final SplittableRandom seeds;
    private final ArrayDeque<FutureTask<NodeIdentity>> ahead = new ArrayDeque<>();
    private long taken;

    /** A mint whose identities follow from {@code seed} alone. */
    IdentityMint(long seed) {
        this.seeds = new SplittableRandom(seed);
    }

    /** The next identity of the stream. */
    NodeIdentity next() {
        taken++;
        int wanted = (int) Math.min(MOST_AHEAD, taken);
        while (ahead.size() < wanted) {
            long seed = seeds.nextLong();
            FutureTask<NodeIdentity> making = new FutureTask<>(() -> NodeIdentity.generate(new SeededEntropy(seed)));
            ahead.addLast(making);
            HELPER.execute(making);
        }
        FutureTask<NodeIdentity> next = ahead.pollFirst();
        next.run(); // makes it here unless the helper has started on it (then this does nothing, and get waits)
        try {
            return next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a node's key was being made", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not make a node's key", e.getCause());
        }
    }

    /** Skips the next identity of the stream (a node with an identity of the caller's choosing takes its place). */
    void skip() {
        if (ahead.isEmpty()) {
            seeds.nextLong();
        } else {
            ahead.pollFirst().cancel(false);
        }
    }
}
