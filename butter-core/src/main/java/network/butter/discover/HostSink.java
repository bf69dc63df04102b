package network.butter.discover;

import network.butter.identity.PeerAddress;

/**
 * Where discovery reports the peers it hears of: usually the known-host list, which checks them (by dialling
 * them over TLS) before trusting them.
 */
public interface HostSink {

    /** A peer claims to be at this address; called on the node loop. */
    void offer(PeerAddress candidate);

    /** Whether this node knows no peer yet, so discovery should keep looking eagerly. */
    boolean lonely();
}
