package network.butter.control;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes read through it and tells a listener of each read: how much an upload carried, and what moves a
 * progress bar.
 */
public final class CountingInputStream extends FilterInputStream {

    private final LongConsumer onRead;
    private long count;

    /** Counts what is read from {@code in}. */
    public CountingInputStream(InputStream in) {
        this(in, bytes -> { });
    }

    /** Counts what is read from {@code in} and hands each read's byte count to {@code onRead}. */
    public CountingInputStream(InputStream in, LongConsumer onRead) {
        super(in);
        this.onRead = onRead;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
            onRead.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int n = super.read(bytes, offset, length);
        if (n > 0) {
            count += n;
            onRead.accept(n);
        }
        return n;
    }
}
