package network.butter.wider;

/**
 * A token bucket on the node loop's clock: {@code perSecond} tokens a second, at most {@code perSecond} saved up.
 * Bounds work a node does for all peers together (dial-backs), whoever asks.
 */
final class TokenBucket {

    private final int perSecond;
    private double tokens;
    private long lastMs;

    TokenBucket(int perSecond, long nowMs) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.lastMs = nowMs;
    }

    /** Takes a token if one is left at {@code nowMs}. */
    boolean tryTake(long nowMs) {
        tokens = Math.min(perSecond, tokens + (nowMs - lastMs) * perSecond / 1000.0);
        lastMs = nowMs;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    /** Milliseconds until a token is back, at {@code nowMs} after a refused {@link #tryTake}. */
    long retryAfterMs() {
        return (long) Math.ceil((1 - tokens) * 1000.0 / perSecond);
    }
}
