package network.butter.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.identity.HostPort;

/**
 * A simulated home LAN: the nodes behind one router, and the router's NAT state. Nodes inside get private
 * addresses ({@code 192.168.L.2} upwards, {@code L} = LAN number mod 256, so LANs far apart reuse the same
 * addresses as real homes do) that only nodes of the same LAN can dial; everyone else sees them at the router's
 * public address ({@code 198.18.0.0/15}), with a port the router's {@link RouterKind} picks, and can dial in only
 * where its filtering or a port mapping lets them.
 *
 * <p>Mappings are modelled from the open connections (and hole-punching attempts) of the hosts inside, so they
 * cost nothing extra and end with the connections; an endpoint-independent mapping keeps its port for the host's
 * lifetime. Idle mappings do not expire (the simulated connections are long-lived).
 */
public final class HomeLan {

    /** Most home LANs in one simulation: the size of the public range {@code 198.18.0.0/15}. */
    public static final int MAX_LANS = 1 << 17;

    /** First port a router hands out when the inside port is taken, and for fresh (symmetric) mappings. */
    static final int FIRST_DYNAMIC_PORT = 1024;

    private final Simulation simulation;
    private final int index;
    private final RouterKind kind;
    private final String publicIp;
    private final String privatePrefix;
    private final List<SimNode> members = new ArrayList<>();
    private final Map<String, SimNode> byPrivateIp = new HashMap<>();
    private final Map<SimNode, Integer> endpointIndependentPorts = new HashMap<>();
    private final Set<Integer> reservedPorts = new HashSet<>();
    private final Map<Integer, PortMapping> portMappings = new HashMap<>();
    private int nextPort = FIRST_DYNAMIC_PORT;

    /** An open port mapping: who gets connections to it, and until when (virtual milliseconds). */
    private record PortMapping(SimNode host, long expiresAtMs) {
    }

    HomeLan(Simulation simulation, int index, RouterKind kind) {
        if (index >= MAX_LANS) {
            throw new IllegalStateException("at most " + MAX_LANS + " home LANs fit the public range 198.18.0.0/15");
        }
        this.simulation = simulation;
        this.index = index;
        this.kind = kind;
        this.publicIp = "198." + (18 + (index >>> 16)) + "." + (index >>> 8 & 0xFF) + "." + (index & 0xFF);
        this.privatePrefix = "192.168." + (index & 0xFF) + ".";
    }

    /** The LAN's number, from 0 in order of creation. */
    public int index() {
        return index;
    }

    /** How the router maps, filters and whether it offers port mapping. */
    public RouterKind kind() {
        return kind;
    }

    /** The router's public IP address: what peers outside see every node of this LAN come from. */
    public String publicIp() {
        return publicIp;
    }

    /** Every node ever spawned into this LAN, running or not, in spawning order. */
    public List<SimNode> members() {
        return List.copyOf(members);
    }

    /** How many nodes were ever spawned into this LAN. */
    int size() {
        return members.size();
    }

    /** The private address the next member gets. */
    String nextPrivateIp() {
        if (members.size() >= NatPlan.MAX_NODES_PER_LAN) {
            throw new IllegalStateException("home LAN " + index + " is full: " + members.size() + " hosts");
        }
        return privatePrefix + (members.size() + 2);
    }

    void add(String privateIp, SimNode node) {
        members.add(node);
        byPrivateIp.put(privateIp, node);
    }

    /** The member with this private address, or null. */
    SimNode member(String privateIp) {
        return byPrivateIp.get(privateIp);
    }

    /** Whether {@code host} is a private address of this LAN: a dial to it stays inside. */
    boolean isInside(String host) {
        return byPrivateIp.containsKey(host);
    }

    /**
     * The public port of a connection {@code host} opens from its listening port to {@code destination}: its one
     * endpoint-independent port (its own when free), or a fresh one per connection for a symmetric router.
     */
    int outboundPort(SimNode host, HostPort destination) {
        if (kind.symmetricMapping()) {
            return freshPort();
        }
        return endpointIndependentPort(host);
    }

    private int endpointIndependentPort(SimNode host) {
        Integer port = endpointIndependentPorts.get(host);
        if (port == null) {
            port = reservedPorts.contains(Simulation.LISTEN_PORT) ? freshPort() : Simulation.LISTEN_PORT;
            reservedPorts.add(port);
            endpointIndependentPorts.put(host, port);
        }
        return port;
    }

    /** A public port no mapping uses: for a symmetric mapping, or a dial from an ephemeral inside port. */
    int freshPort() {
        for (int tries = 0; tries < 65_536; tries++) {
            int port = nextPort;
            nextPort = nextPort == 65_535 ? FIRST_DYNAMIC_PORT : nextPort + 1;
            if (!reservedPorts.contains(port) && !portMappings.containsKey(port)) {
                return port;
            }
        }
        throw new IllegalStateException("router of home LAN " + index + " has no free port");
    }

    /**
     * Opens a public port to all for {@code host}'s listening port until {@code expiresAtMs}: the port it asked for
     * when free or already its own, else a free one.
     *
     * @return the public port
     */
    int map(SimNode host, int requestedPort, long expiresAtMs) {
        PortMapping held = portMappings.get(requestedPort);
        boolean free = requestedPort >= FIRST_DYNAMIC_PORT && !reservedPorts.contains(requestedPort)
            && (held == null || held.host() == host || held.expiresAtMs() <= simulation.nowMs());
        boolean ownEndpoint = Integer.valueOf(requestedPort).equals(endpointIndependentPorts.get(host));
        int port = free || ownEndpoint ? requestedPort : freshPort();
        portMappings.put(port, new PortMapping(host, expiresAtMs));
        return port;
    }

    /** Closes {@code host}'s port mapping of {@code port}, if it holds one. */
    void unmap(SimNode host, int port) {
        PortMapping held = portMappings.get(port);
        if (held != null && held.host() == host) {
            portMappings.remove(port);
        }
    }

    /**
     * Which inside host a connection from {@code source} to this router's public {@code port} reaches, or null if
     * the router drops it (nothing mapped there, or the filter says no): a port mapping reaches its host; a mapping
     * made by a host's own connection reaches it if the filter lets {@code source} in.
     */
    SimNode accept(int port, HostPort source) {
        PortMapping mapped = portMappings.get(port);
        if (mapped != null && mapped.expiresAtMs() > simulation.nowMs()) {
            return mapped.host();
        }
        boolean anySource = kind.filtering() == NatFiltering.ENDPOINT_INDEPENDENT;
        HostPort external = new HostPort(publicIp, port);
        for (SimNode member : members) {
            if (!member.running()) {
                continue;
            }
            if (anySource && !kind.symmetricMapping()
                && Integer.valueOf(port).equals(endpointIndependentPorts.get(member))) {
                return member;
            }
            if (member.transport().holdsFlow(external, source, anySource)) {
                return member;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HomeLan[" + index + " " + publicIp + " " + kind.label() + ", " + members.size() + " hosts]";
    }
}
