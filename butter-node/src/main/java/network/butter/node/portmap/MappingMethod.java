package network.butter.node.portmap;

/** How a port mapping was made on the router. */
public enum MappingMethod {
    /** UPnP Internet Gateway Device, WANIPConnection or WANPPPConnection service. */
    UPNP("UPnP"),
    /** NAT Port Mapping Protocol, RFC 6886. */
    NAT_PMP("NAT-PMP"),
    /** Port Control Protocol, RFC 6887: NAT-PMP's successor, on the same port. */
    PCP("PCP");

    private final String label;

    MappingMethod(String label) {
        this.label = label;
    }

    /** The protocol's usual name, for log lines and the command line. */
    public String label() {
        return label;
    }
}
