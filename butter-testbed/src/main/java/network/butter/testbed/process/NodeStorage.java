package network.butter.testbed.process;

import java.util.Objects;
import java.util.Set;
import network.butter.api.Node;
import network.butter.identity.PeerId;
import network.butter.persist.PeerContentGroups;
import network.butter.testbed.protocol.DataPeer;
import network.butter.testbed.protocol.DataProtocol;
import network.butter.testbed.protocol.ItemKey;

/**
 * The data protocol of a process run: the storage every {@code butter node} runs by itself (Peer Content Groups
 * with its chunks on disk), not one the testbed installs. It keeps no observer's view of who holds what: nothing
 * looks into the processes, so the time series has no availability column ({@link #observesHolders()}).
 */
public final class NodeStorage implements DataProtocol {

    private final String name;

    /** @param name how summaries name it, e.g. {@code pcg-r3} */
    public NodeStorage(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    /** Nodes in other processes bring their own storage: there is nothing to install from here. */
    @Override
    public DataPeer install(Node node) {
        throw new UnsupportedOperationException("nodes in separate processes run their own storage");
    }

    /** Unknown: the processes are not looked into. */
    /** Groups recruit their members from the known hosts. */
    @Override
    public boolean storesOnKnownHosts() {
        return true;
    }

    @Override
    public Set<PeerId> holders(ItemKey key) {
        return Set.of();
    }

    @Override
    public boolean observesHolders() {
        return false;
    }

    /** The storage's routes but reads, as for {@link network.butter.testbed.protocol.PcgStorage}. */
    @Override
    public Set<String> maintenanceRoutes() {
        return Set.of(PeerContentGroups.STORE_ROUTE, PeerContentGroups.BEAT_ROUTE, PeerContentGroups.TRIM_ROUTE,
            PeerContentGroups.DELETE_ROUTE);
    }
}
