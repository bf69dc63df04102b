package network.butter.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.wire.ErrorCode;

/**
 * The peer's handler for the route threw, or did not finish before its deadline. The message carries only what the
 * peer chose to make public: a {@link PublicException}'s message, a description of what was malformed in the
 * request, or, for any other failure, {@code "internal error (incident ID)"}, where the incident id finds the full
 * exception in the peer's log (see {@link #incidentId()}).
 */
public final class RemoteHandlerException extends ButterException {

    /** How the serving node words a failure it keeps to itself; {@link #incidentId()} reads it back. */
    private static final Pattern INCIDENT = Pattern.compile("^internal error \\(incident ([0-9a-z-]{1,40})\\)");

    private final String remoteMessage;

    /**
     * @param peer          the node whose handler failed
     * @param route         the route called
     * @param code          {@link ErrorCode#HANDLER_FAILED} or {@link ErrorCode#HANDLER_TIMEOUT}
     * @param remoteMessage what the peer reported
     */
    public RemoteHandlerException(Object peer, String route, ErrorCode code, String remoteMessage) {
        super(code, "handler for '" + route + "' on " + peer
            + (code == ErrorCode.HANDLER_TIMEOUT ? " timed out: " : " failed: ") + remoteMessage, null);
        this.remoteMessage = remoteMessage;
    }

    /**
     * The words a serving node uses for a failure it does not disclose.
     *
     * @param incidentId the id under which the node logged the full exception
     */
    public static String internalErrorMessage(String incidentId) {
        return "internal error (incident " + incidentId + ")";
    }

    /** The failure as reported by the peer. */
    public String remoteMessage() {
        return remoteMessage;
    }

    /**
     * The incident id of an internal failure, to quote to the peer's operator, who finds the full exception in
     * the peer's log under it; empty when the peer reported a public failure or a timeout.
     */
    public Optional<String> incidentId() {
        Matcher matcher = INCIDENT.matcher(remoteMessage);
        return code() == ErrorCode.HANDLER_FAILED && matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether the handler ran out of time rather than threw. */
    public boolean timedOut() {
        return code() == ErrorCode.HANDLER_TIMEOUT;
    }
}
