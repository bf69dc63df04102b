package network.butter.node.transport;

import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log readable under attack: every inbound connection refused, evicted, failed before it was
 * authenticated or closed for breaking the protocol costs one short DEBUG line, and WARN gets at most one line when trouble starts and one summary per
 * window ("2000 bad or refused inbound connections in the last 60 s, 1990 from 127.0.0.2, …"), however many
 * connections there were. A handshake its remote end abandoned is routine on its own (a peer shutting down while
 * its dial was under way), so those start the WARN lines only once {@value #ABANDONED_BEFORE_WARNING} of them
 * arrived in one window. Netty's own messages for such connections (a TLS record error carries a hex dump of
 * the bytes received) never reach the log.
 *
 * <p>Bounded: counts for at most {@value #MAX_ADDRESSES} source addresses per window; the rest appear only in the
 * total.
 * Runs on the node's event loop, like the transport.
 */
final class BadConnectionLog {

    /** Why an inbound connection ended before it was authenticated, or was refused once it was. */
    enum Kind {
        REFUSED("refused: too many in handshake from its address"),
        EVICTED("evicted to make room for newer handshakes"),
        TIMED_OUT("handshake too slow"),
        TLS_FAILED("TLS failed"),
        /**
         * The remote end closed the socket before the handshake finished: a peer shutting down or dropping the
         * spare of two simultaneous dials, a port probe — or, in numbers, an attack.
         */
        ABANDONED("closed by its remote end during the handshake"),
        PROTOCOL_ERROR("broke the protocol"),
        OVER_LIMIT("refused with GOAWAY OVERLOADED");

        private final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** The most source addresses counted one by one in a window. */
    static final int MAX_ADDRESSES = 64;
    /** Abandoned handshakes in one window that make trouble worth a WARN line. */
    static final int ABANDONED_BEFORE_WARNING = 16;
    /** How many addresses a summary names. */
    private static final int NAMED_IN_SUMMARY = 5;

    private static final Logger log = LoggerFactory.getLogger(BadConnectionLog.class);

    private final EventLoop loop;
    private final long windowMs;
    private final Map<InetAddress, Long> byAddress = new LinkedHashMap<>();
    private final Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
    private long total;
    private boolean windowOpen;
    private boolean warned;

    /**
     * @param loop     the node's event loop, which runs the end-of-window summary
     * @param windowMs the length of a summary window, in milliseconds
     */
    BadConnectionLog(EventLoop loop, long windowMs) {
        this.loop = loop;
        this.windowMs = windowMs;
    }

    /**
     * Records one bad inbound connection: a DEBUG line with {@code detail} (cut to a short length), counted for the
     * window's summary; the first of a quiet period also gets a WARN line at once.
     */
    void record(InetAddress address, String remote, Kind kind, String detail) {
        if (log.isDebugEnabled()) {
            log.debug("inbound connection from {} {}: {}", remote, kind.description, shorten(detail));
        }
        total++;
        byKind.merge(kind, 1L, Long::sum);
        if (byAddress.containsKey(address) || byAddress.size() < MAX_ADDRESSES) {
            byAddress.merge(address, 1L, Long::sum);
        }
        if (!windowOpen) {
            windowOpen = true;
            loop.schedule(this::summarise, windowMs, TimeUnit.MILLISECONDS);
        }
        if (!warned && (kind != Kind.ABANDONED || byKind.get(Kind.ABANDONED) >= ABANDONED_BEFORE_WARNING)) {
            warned = true;
            log.warn("inbound connection from {} {}; further bad connections are summed up every {}",
                remote, kind.description, window());
        }
    }

    /** Logs the window's summary, if it warned and anything happened after its first line, and starts a new window. */
    private void summarise() {
        if (warned && total > 1) {
            String kinds = byKind.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().description)
                .collect(Collectors.joining(", "));
            List<Map.Entry<InetAddress, Long>> named = byAddress.entrySet().stream()
                .sorted(Map.Entry.<InetAddress, Long>comparingByValue().reversed())
                .limit(NAMED_IN_SUMMARY)
                .toList();
            long unnamed = total - named.stream().mapToLong(Map.Entry::getValue).sum();
            String addresses = named.stream()
                .map(e -> e.getValue() + " from " + e.getKey().getHostAddress())
                .collect(Collectors.joining(", "));
            log.warn("{} bad or refused inbound connections in the last {} ({}): {}{}", total, window(),
                kinds, addresses, unnamed > 0 ? ", " + unnamed + " from other addresses" : "");
        }
        byAddress.clear();
        byKind.clear();
        total = 0;
        windowOpen = false;
        warned = false;
    }

    private String window() {
        return windowMs % 1000 == 0 ? windowMs / 1000 + " s" : windowMs + " ms";
    }

    /** At most one short line of an exception message: a TLS record error would otherwise dump kilobytes of hex. */
    static String shorten(String detail) {
        if (detail == null) {
            return "";
        }
        int newline = detail.indexOf('\n');
        String line = newline >= 0 ? detail.substring(0, newline) : detail;
        return line.length() <= 120 ? line : line.substring(0, 120) + "…";
    }
}
