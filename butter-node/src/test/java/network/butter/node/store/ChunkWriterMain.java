package network.butter.node.store;

import java.nio.file.Path;
import java.util.SplittableRandom;
import network.butter.store.ContentId;

/**
 * Child process for {@link FileChunkStoreCrashTest}: writes random chunks into a store, one after another, and
 * prints {@code ack <id>} after each {@code put} returns, i.e. once the chunk is acknowledged as durable. It runs
 * until killed (bounded to 100,000 chunks).
 */
public final class ChunkWriterMain {

    private ChunkWriterMain() {
    }

    /** Arguments: store directory, seed. */
    public static void main(String[] args) {
        FileChunkStore store = FileChunkStore.open(Path.of(args[0]), Long.MAX_VALUE);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        for (int i = 0; i < 100_000; i++) {
            byte[] chunk = new byte[1 + random.nextInt(64 * 1024)];
            random.nextBytes(chunk);
            ContentId id = ContentId.of(chunk);
            store.put(id, chunk);
            System.out.println("ack " + id);
            System.out.flush();
        }
    }
}
