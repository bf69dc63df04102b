package network.butter.testbed.protocol;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import network.butter.api.Node;
import network.butter.identity.PeerId;
import network.butter.testbed.attack.AttackBehaviour;
import network.butter.testbed.attack.Intel;

/**
 * A data protocol the testbed can measure: how it stores items and finds them again. Storage and retrieval
 * protocols plug in here; the churn scenario then measures how many items survive. One instance serves a whole
 * cluster: it installs itself on every node and keeps an observer's view of where items are.
 */
public interface DataProtocol {

    /** A short name for summaries, e.g. {@code local-only}. */
    String name();

    /**
     * Installs the protocol on a node: registers its routes and behaviours. The node may not have started yet,
     * so this must not ask for its id or address.
     *
     * @return the node's handle, through which the scenario stores and retrieves
     */
    DataPeer install(Node node);

    /**
     * The nodes that hold a copy of the item, as far as the protocol knows, dead or alive; the scenario
     * intersects them with the live nodes to chart availability. This is the experimenter's view, not
     * something a node could know.
     */
    Set<PeerId> holders(ItemKey key);

    /**
     * How many of {@code keys} have at least one holder among {@code alive}: the scenario's availability, counted
     * once a second. By default {@link #holders} per key; a protocol that can count faster than keys x holders (a
     * network of 100,000 nodes keeps 1,000 items) says so here.
     */
    default int available(Collection<ItemKey> keys, Set<PeerId> alive) {
        int available = 0;
        for (ItemKey key : keys) {
            if (holders(key).stream().anyMatch(alive::contains)) {
                available++;
            }
        }
        return available;
    }

    /**
     * Whether storing needs the known-host lists filled (the protocol recruits its copies from them): real runs then
     * wait for that before storing ({@code Readiness}). False by default, e.g. for a protocol that stores locally.
     */
    default boolean storesOnKnownHosts() {
        return false;
    }

    /**
     * Whether {@link #holders} is the experimenter's view of where items are; false for nodes in other processes,
     * which are not looked into: their time series then has no availability figure.
     */
    default boolean observesHolders() {
        return true;
    }

    /**
     * The routes whose requests count as maintenance (keeping data alive, not reading it), for the summary's
     * maintenance message count; none by default.
     */
    default Set<String> maintenanceRoutes() {
        return Set.of();
    }

    /**
     * Installs the protocol on a malicious node: the real protocol plus the attacks, which share {@code intel} with
     * the run's other malicious nodes. Only protocols that can be attacked this way support it.
     *
     * @throws UnsupportedOperationException if this protocol has no malicious nodes
     */
    default DataPeer installMalicious(Node node, List<AttackBehaviour> attacks, Intel intel) {
        throw new UnsupportedOperationException("the " + name() + " protocol has no malicious nodes: use pcg");
    }
}
