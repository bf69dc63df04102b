package network.butter.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node per data directory: two nodes on one directory would run with the same peer id and write the same
 * chunks. A node holds an exclusive operating-system lock on {@value #FILE_NAME} in its data directory from start
 * to close; the operating system drops it when the process dies, however it dies, so a crash never leaves the
 * directory locked. A second node, in another process or in this one, fails at start naming the directory.
 */
final class DataDirectoryLock implements AutoCloseable {

    /** The lock file in the data directory; it holds the process id of the node that has the lock, for people. */
    static final String FILE_NAME = "node.lock";

    /**
     * Directories locked by nodes of this process. Checked before the file is even opened: on some systems closing
     * any channel to a file drops every lock the process holds on it, so a refused second node must not touch it.
     */
    private static final Set<Path> HELD_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code directory}, creating the directory if needed.
     *
     * @throws IllegalStateException        if another node holds it, naming the directory and that node's process
     * @throws java.io.UncheckedIOException if the lock file cannot be opened
     */
    static DataDirectoryLock acquire(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        Path real;
        try {
            Files.createDirectories(directory);
            real = directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the data directory " + directory.toAbsolutePath() + ": "
                + e.getMessage(), e);
        }
        if (!HELD_IN_THIS_PROCESS.add(real)) {
            throw inUse(directory, " in this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = holderOf(channel);
                channel.close();
                HELD_IN_THIS_PROCESS.remove(real);
                throw inUse(directory, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirectoryLock(real, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD_IN_THIS_PROCESS.remove(real);
            throw new UncheckedIOException("cannot lock the data directory " + directory.toAbsolutePath() + " ("
                + file + "): " + e.getMessage(), e);
        }
    }

    private static IllegalStateException inUse(Path directory, String holder) {
        return new IllegalStateException("the data directory " + directory.toAbsolutePath()
            + " is in use by another node" + holder + ": two nodes on one directory would share a peer id"
            + " and its chunks; stop that node or choose another data directory");
    }

    /** The lock, or null if another holder has it: another process, or another node of this process. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            return null;
        }
    }

    /** " (process 1234)" as recorded by the holder, or nothing if the file says nothing useful. */
    private static String holderOf(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("[0-9]{1,19}") ? " (process " + pid + ")" : "";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException alreadyFailing) {
                // The caller reports the first failure.
            }
        }
    }

    /** Releases the lock; the file stays, empty of meaning until the next node takes it. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on the data directory " + directory, e);
        } finally {
            HELD_IN_THIS_PROCESS.remove(directory);
        }
    }
}
