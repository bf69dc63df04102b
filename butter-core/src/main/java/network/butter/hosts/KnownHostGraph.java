package network.butter.hosts;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import network.butter.identity.PeerId;

/**
 * The network as known-host lists draw it: who can reach whom by following "knows" links, in either direction
 * (a node that knows another can call it, and is polled back). Used by experiments and tests to tell whether a
 * network has formed.
 */
public final class KnownHostGraph {

    private KnownHostGraph() {
    }

    /**
     * Whether every node can reach every other by following known-host links either way.
     *
     * @param nodes      the nodes of the network
     * @param knownHosts the ids each node knows
     */
    public static boolean connected(Collection<PeerId> nodes, Function<PeerId, Collection<PeerId>> knownHosts) {
        if (nodes.isEmpty()) {
            return true;
        }
        Map<PeerId, Set<PeerId>> links = new HashMap<>();
        for (PeerId node : nodes) {
            for (PeerId other : knownHosts.apply(node)) {
                links.computeIfAbsent(node, k -> new HashSet<>()).add(other);
                links.computeIfAbsent(other, k -> new HashSet<>()).add(node);
            }
        }
        Set<PeerId> seen = new HashSet<>();
        ArrayDeque<PeerId> queue = new ArrayDeque<>(List.of(nodes.iterator().next()));
        while (!queue.isEmpty()) {
            PeerId next = queue.poll();
            if (seen.add(next)) {
                queue.addAll(links.getOrDefault(next, Set.of()));
            }
        }
        return seen.containsAll(nodes);
    }
}
