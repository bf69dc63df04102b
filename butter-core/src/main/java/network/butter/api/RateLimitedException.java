package network.butter.api;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.wire.ErrorCode;

/**
 * The peer refused a request because this node sent more requests on that route than the peer's per-peer rate
 * budget allows ({@link ErrorCode#RATE_LIMITED}). Unlike {@link OverloadedException}, the peer is not busy: this
 * node is too fast for it. Wait {@link #retryAfterMs()} before calling that route on that peer again.
 */
public final class RateLimitedException extends ButterException {

    private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d{1,12}) ms");

    private final long retryAfterMs;

    /**
     * @param message      which budget was exceeded, and on which route
     * @param retryAfterMs how long until the budget admits a request again, or -1 if the peer did not say
     */
    public RateLimitedException(String message, long retryAfterMs) {
        super(ErrorCode.RATE_LIMITED, message, null);
        this.retryAfterMs = retryAfterMs;
    }

    /**
     * Builds the exception from a peer's FAILURE message, reading the {@code "retry after N ms"} part it ends with.
     *
     * @param message the whole message to report
     * @param remote  the peer's own words, where the retry delay is read from
     */
    static RateLimitedException fromRemote(String message, String remote) {
        Matcher matcher = RETRY_AFTER.matcher(remote);
        return new RateLimitedException(message, matcher.find() ? Long.parseLong(matcher.group(1)) : -1);
    }

    /** How long the peer asked this node to wait before calling the route again, if it said. */
    public OptionalLong retryAfterMs() {
        return retryAfterMs < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfterMs);
    }
}
