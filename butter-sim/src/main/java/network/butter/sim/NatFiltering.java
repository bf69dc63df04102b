package network.butter.sim;

/**
 * Which incoming connections a home router lets through to an inside host that has a mapping (RFC 4787 terms).
 * Connections the inside host opened are always let through; this decides about connections from outside.
 */
public enum NatFiltering {
    /** Endpoint-independent ("full cone"): anyone may connect to a mapped public port. Rare at home. */
    ENDPOINT_INDEPENDENT,
    /**
     * Address-and-port-dependent ("port-restricted"): only the exact address and port the inside host is talking
     * to may connect to the mapped port. Most home routers; a simultaneous open (hole punching) gets through it.
     */
    ADDRESS_AND_PORT_DEPENDENT
}
