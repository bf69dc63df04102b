package network.butter.node.portmap;

import network.butter.identity.HostPort;

/**
 * A port mapping the router granted.
 *
 * @param external      the router's public address and the port it forwards
 * @param internalPort  the local TCP port it forwards to
 * @param method        the protocol that made it
 * @param leaseSeconds  how long the router keeps it unless renewed; 0 means until removed (some UPnP routers grant
 *                      only such leases)
 */
public record Mapping(HostPort external, int internalPort, MappingMethod method, long leaseSeconds) {

    /** The line {@code butter node} prints: {@code <host:port> via <method>}. */
    public String describe() {
        return external.host() + ":" + external.port() + " via " + method.label();
    }
}
