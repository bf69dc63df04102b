package network.butter.node.transport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap allocator for tests that remembers every buffer it made and the largest backing array it handed out.
 * Handed to a channel, it shows how much memory a decoder really buffers and whether it released everything.
 *
 * <p>Its buffers cannot grow in place (their maximum capacity is their initial capacity). Netty's cumulator
 * therefore asks it for a fresh buffer sized to the bytes a decoder actually holds whenever more room is
 * needed, so the largest array measures the decoder's buffering rather than Netty's amortised growth (a
 * growable cumulation also keeps bytes already read until it compacts, every 16 reads by default).
 */
final class TrackingByteBufAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> buffers = new ArrayList<>();
    private int largestArrayBytes;

    TrackingByteBufAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, Math.min(initialCapacity, maxCapacity));
        buffers.add(buffer);
        largestArrayBytes = Math.max(largestArrayBytes, initialCapacity);
        return buffer;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** The largest backing array allocated so far, in bytes. */
    int largestArrayBytes() {
        return largestArrayBytes;
    }

    /** How many of the buffers made are still referenced: a leak once their user is done. */
    long unreleasedBuffers() {
        return buffers.stream().filter(buffer -> buffer.refCnt() > 0).count();
    }
}
