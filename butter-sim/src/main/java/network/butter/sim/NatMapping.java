package network.butter.sim;

/**
 * How a home router picks the public port of an outgoing connection (RFC 4787 terms). It decides whether the
 * address a peer observes for a node is the one every other peer sees too, which is what hole punching needs.
 */
public enum NatMapping {
    /**
     * Endpoint-independent: one public port per inside host and port, whatever the destination, and the inside
     * port itself when free (port-preserving). Every peer observes the same address. Linux {@code masquerade}.
     */
    ENDPOINT_INDEPENDENT,
    /**
     * Address-and-port-dependent ("symmetric"): a fresh public port for every destination, so the address one peer
     * observes is of no use to another. Linux {@code masquerade fully-random}, many carrier-grade NATs.
     */
    ADDRESS_AND_PORT_DEPENDENT
}
