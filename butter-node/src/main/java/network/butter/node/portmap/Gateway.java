package network.butter.node.portmap;

/** One router protocol's way of making, renewing and removing a TCP port mapping. */
interface Gateway extends AutoCloseable {

    /** The protocol, for log lines and the result. */
    MappingMethod method();

    /**
     * Maps a TCP port (or renews the mapping: the same call again).
     *
     * @param internalPort  the local port to forward to
     * @param externalPort  the public port asked for; the router may grant another
     * @param leaseSeconds  the lifetime asked for
     * @throws PortMappingException if the router refuses or does not answer in time
     */
    Mapping map(int internalPort, int externalPort, long leaseSeconds) throws PortMappingException;

    /**
     * Removes a mapping this gateway made.
     *
     * @throws PortMappingException if the router refuses or does not answer in time
     */
    void unmap(Mapping mapping) throws PortMappingException;

    /** Releases what the gateway holds (sockets, threads of an HTTP client); nothing by default. */
    @Override
    default void close() {
    }
}
