package network.butter.examples.wiki;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wiki node's records on disk, so that a restarted node still knows every page even when no other wiki node is up:
 * an append-only file of {@code length u16 | record} entries, in the order the index admitted them (parents first).
 * Only admitted records are written, so the file is as bounded as {@link PageIndex} (about 50 MiB at most). A crash
 * in the middle of an append leaves a partial last entry, which {@link #open} cuts off.
 */
public final class RecordLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordLog.class);

    private final Path file;
    private final FileChannel channel;

    private RecordLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens (or creates) the log, adds every record in it to {@code index}, and keeps appending to it.
     *
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public static RecordLog open(Path file, PageIndex index) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            long whole = 0;
            if (Files.exists(file)) {
                whole = replay(file, index);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(whole);
            channel.position(whole);
            return new RecordLog(file, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the wiki's records in " + file, e);
        }
    }

    /** Adds the log's records to {@code index}; returns the length of the whole entries read. */
    private static long replay(Path file, PageIndex index) throws IOException {
        long whole = 0;
        int refused = 0;
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            while (true) {
                int length;
                byte[] bytes;
                try {
                    length = in.readUnsignedShort();
                    bytes = in.readNBytes(length);
                } catch (EOFException end) {
                    break;
                }
                if (bytes.length < length) {
                    break;
                }
                whole += 2 + length;
                try {
                    if (index.add(PageRecord.decode(bytes)) != PageIndex.Admission.ADDED) {
                        refused++;
                    }
                } catch (WireFormatException e) {
                    refused++;
                }
            }
        }
        if (refused > 0) {
            LOG.warn("{} of the records in {} were damaged or not admitted and were left out", refused, file);
        }
        return whole;
    }

    /**
     * Appends a record the index just admitted.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public synchronized void append(PageRecord record) {
        byte[] bytes = record.encode();
        ByteBuffer entry = ByteBuffer.allocate(2 + bytes.length).putShort((short) bytes.length).put(bytes).flip();
        try {
            while (entry.hasRemaining()) {
                channel.write(entry);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Closes the file; what was appended stays. */
    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", file, e.getMessage());
        }
    }
}
