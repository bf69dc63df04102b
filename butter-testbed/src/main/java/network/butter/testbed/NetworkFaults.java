package network.butter.testbed;

import java.util.List;

/**
 * Faults a scenario can inject into the network between nodes. Only the simulated network offers them (see
 * {@link Cluster#faults()}): on loopback we could only kill nodes, not split or degrade links.
 *
 * @param <A> the application type of the cluster's nodes
 */
public interface NetworkFaults<A> {

    /**
     * Splits the network: messages between nodes of different groups are dropped until {@link #heal()}. Nodes in
     * no group, including those spawned later, form one more group together.
     */
    void partition(List<List<ClusterNode<A>>> groups);

    /** Ends a partition. */
    void heal();

    /**
     * Kills a node silently: its links go dark, so its peers get no reset and no refusal; frames to it vanish and
     * dials to it time out. Killing a dead node does nothing.
     */
    void vanish(ClusterNode<A> node);

    /** Drops every message with this probability (0 to 1) from now on; 0 restores a lossless network. */
    void lossProbability(double probability);
}
