package network.butter.testbed.process;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import network.butter.api.NodeStats;
import network.butter.api.RouteTraffic;
import network.butter.identity.PeerAddress;

/**
 * The line protocol between the testbed and a host process ({@code butter node-host}), one command or event a line,
 * words separated by single spaces. The testbed writes commands on the host's stdin:
 * <pre>
 *   spawn SLOT DATA_DIR          start a node keeping its key and chunks in DATA_DIR (the rest of the line)
 *   join SLOT ADDRESS...         offer these peers (id@host:port) to the node's known hosts, like a bootstrap list
 *   stop SLOT                    end the node at once, as real mode's deaths do (no grace); the host keeps running
 * </pre>
 * and the host answers on its stdout:
 * <pre>
 *   node SLOT ADDRESS API_PORT   the node serves at ADDRESS; its control API at 127.0.0.1:API_PORT
 *   failed SLOT REASON           the node could not start (the rest of the line says why)
 *   joined SLOT                  the node admitted one of the peers (or gave up waiting)
 *   stopped SLOT                 the node is closed: its data directory is free for another node
 *   stats SLOT KNOWN REQUESTS REPLIES BYTES [ROUTE=REQ:REP:REQBYTES:REPBYTES]...   once a second per node
 * </pre>
 * End of stdin means the testbed is gone: the host exits at once.
 */
public final class HostLines {

    /** Command: start a node. */
    public static final String SPAWN = "spawn";
    /** Command: offer peers to a node. */
    public static final String JOIN = "join";
    /** Command: end a node at once, its host and the host's other nodes running on. */
    public static final String STOP = "stop";
    /** Event: a node was stopped and its data directory released. */
    public static final String STOPPED = "stopped";
    /** Event: a node started. */
    public static final String NODE = "node";
    /** Event: a node could not start. */
    public static final String FAILED = "failed";
    /** Event: a node joined. */
    public static final String JOINED = "joined";
    /** Event: a node's counters. */
    public static final String STATS = "stats";

    private HostLines() {
    }

    /** The {@code stats} line of a node: its known hosts and its traffic counters, per route. */
    public static String stats(int slot, int knownHosts, NodeStats stats) {
        StringBuilder line = new StringBuilder(STATS).append(' ').append(slot).append(' ').append(knownHosts)
            .append(' ').append(stats.requestsSent()).append(' ').append(stats.repliesSent())
            .append(' ').append(stats.bytesSent());
        stats.sentByRoute().forEach((route, t) -> line.append(' ').append(route.replace(' ', '_')).append('=')
            .append(t.requests()).append(':').append(t.replies()).append(':').append(t.requestBytes()).append(':')
            .append(t.replyBytes()));
        return line.toString();
    }

    /** A node's counters as reported in a {@code stats} line. */
    public record Stats(int slot, int knownHosts, NodeStats stats) {
    }

    /**
     * Reads the words after {@code stats}.
     *
     * @throws IllegalArgumentException if the line is not a stats line
     */
    public static Stats parseStats(String[] words) {
        if (words.length < 6 || !STATS.equals(words[0])) {
            throw new IllegalArgumentException("not a stats line: " + String.join(" ", words));
        }
        Map<String, RouteTraffic> byRoute = new HashMap<>();
        Map<String, Long> requestsByRoute = new HashMap<>();
        for (int i = 6; i < words.length; i++) {
            int equals = words[i].lastIndexOf('=');
            String[] numbers = words[i].substring(equals + 1).split(":");
            if (equals < 1 || numbers.length != 4) {
                throw new IllegalArgumentException("not a route's traffic: " + words[i]);
            }
            RouteTraffic traffic = new RouteTraffic(Long.parseLong(numbers[0]), Long.parseLong(numbers[1]),
                Long.parseLong(numbers[2]), Long.parseLong(numbers[3]));
            byRoute.put(words[i].substring(0, equals), traffic);
            requestsByRoute.put(words[i].substring(0, equals), traffic.requests());
        }
        long requests = Long.parseLong(words[3]);
        long replies = Long.parseLong(words[4]);
        NodeStats stats = new NodeStats(requests, 0, replies, 0, requestsByRoute, Long.parseLong(words[5]), byRoute);
        return new Stats(Integer.parseInt(words[1]), Integer.parseInt(words[2]), stats);
    }

    /** The {@code join} command. */
    public static String join(int slot, List<PeerAddress> peers) {
        List<String> words = new ArrayList<>(List.of(JOIN, Integer.toString(slot)));
        peers.forEach(peer -> words.add(peer.toString()));
        return String.join(" ", words);
    }

    /** The {@code node} event. */
    public static String node(int slot, PeerAddress address, int apiPort) {
        return NODE + " " + slot + " " + address + " " + apiPort;
    }

    /** The {@code failed} event; the reason is kept on one line. */
    public static String failed(int slot, String reason) {
        return FAILED + " " + slot + " " + Objects.toString(reason).replace('\n', ' ');
    }
}
