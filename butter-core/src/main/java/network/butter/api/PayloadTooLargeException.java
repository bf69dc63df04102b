package network.butter.api;

import network.butter.wire.ErrorCode;

/**
 * A request or reply does not fit in one frame (see {@code Limits.maxFrameBytes}). Nothing was sent; split
 * large data into chunks (the storage layer does this for you).
 */
public final class PayloadTooLargeException extends ButterException {

    /** @param message how large it was and what the limit is */
    public PayloadTooLargeException(String message) {
        super(ErrorCode.PAYLOAD_TOO_LARGE, message, null);
    }
}
