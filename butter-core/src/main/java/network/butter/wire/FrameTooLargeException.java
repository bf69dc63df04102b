package network.butter.wire;

/**
 * A frame to be sent would exceed the maximum frame size. Raised before anything is written, so the
 * connection stays usable; the runtime turns it into a {@code PayloadTooLargeException} for the caller.
 */
public final class FrameTooLargeException extends Exception {

    private final int frameBytes;
    private final int maxFrameBytes;

    /**
     * @param frameBytes    the size the frame would have
     * @param maxFrameBytes the limit it exceeds
     */
    public FrameTooLargeException(int frameBytes, int maxFrameBytes) {
        super("frame of " + frameBytes + " bytes exceeds the maximum of " + maxFrameBytes + " bytes");
        this.frameBytes = frameBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The size the frame would have had, in bytes. */
    public int frameBytes() {
        return frameBytes;
    }

    /** The limit, in bytes. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
