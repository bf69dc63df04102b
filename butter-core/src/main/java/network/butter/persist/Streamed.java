package network.butter.persist;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waits for a storage future on behalf of the blocking stream methods, rethrowing its failure as it was. */
final class Streamed {

    private Streamed() {
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = PcgNode.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException(null, String.valueOf(cause.getMessage()));
        }
    }
}
