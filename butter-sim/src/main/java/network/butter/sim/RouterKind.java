package network.butter.sim;

import java.util.Objects;

/**
 * How the router of a simulated home LAN behaves: its mapping and filtering rules, and whether it offers port
 * mapping (UPnP IGD / NAT-PMP) to the hosts inside.
 *
 * @param mapping     how it picks the public port of an outgoing connection
 * @param filtering   which incoming connections it lets through to a mapped port
 * @param portMapping whether an inside host can ask it to open a public port to all ({@link SimPortMapper})
 */
public record RouterKind(NatMapping mapping, NatFiltering filtering, boolean portMapping) {

    /** Checks both rules are given. */
    public RouterKind {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(filtering, "filtering");
    }

    /** Endpoint-independent mapping and filtering ("full cone"), no port mapping. */
    public static RouterKind fullCone() {
        return new RouterKind(NatMapping.ENDPOINT_INDEPENDENT, NatFiltering.ENDPOINT_INDEPENDENT, false);
    }

    /**
     * Endpoint-independent mapping, address-and-port-dependent filtering ("port-restricted cone"), no port mapping:
     * the common home router, and what Linux {@code masquerade} does. Two of these can punch a hole to each other.
     */
    public static RouterKind portRestricted() {
        return new RouterKind(NatMapping.ENDPOINT_INDEPENDENT, NatFiltering.ADDRESS_AND_PORT_DEPENDENT, false);
    }

    /**
     * Address-and-port-dependent mapping and filtering ("symmetric"), no port mapping: a fresh port per destination.
     * Punching works only towards a public node or a full cone.
     */
    public static RouterKind symmetric() {
        return new RouterKind(NatMapping.ADDRESS_AND_PORT_DEPENDENT, NatFiltering.ADDRESS_AND_PORT_DEPENDENT, false);
    }

    /** A copy that offers port mapping (UPnP IGD / NAT-PMP) to its inside hosts. */
    public RouterKind withPortMapping() {
        return new RouterKind(mapping, filtering, true);
    }

    /** Whether the router gives a fresh public port per destination. */
    public boolean symmetricMapping() {
        return mapping == NatMapping.ADDRESS_AND_PORT_DEPENDENT;
    }

    /** A short label for reports, e.g. {@code eim/apdf+pm}. */
    public String label() {
        return (mapping == NatMapping.ENDPOINT_INDEPENDENT ? "eim" : "apdm") + "/"
            + (filtering == NatFiltering.ENDPOINT_INDEPENDENT ? "eif" : "apdf") + (portMapping ? "+pm" : "");
    }
}
