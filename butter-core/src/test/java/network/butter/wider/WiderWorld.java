package network.butter.wider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import network.butter.api.Limits;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.env.WiderTransport;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.testing.ManualLoop;
import network.butter.testing.MemoryNetwork;
import network.butter.testing.MemoryNetwork.TestNode;

/**
 * A toy internet for wider-layer tests on a {@link MemoryNetwork}: each node is public (its listening address can be
 * dialled back) or behind a router (its connections come from the router's IP, nothing can dial it unless a mapped
 * address is opened). Frames still flow between any two nodes, as the memory network does; what the fake
 * {@link WiderTransport} decides is only what the wider layer asks: observed addresses, probes, punches and paths.
 */
final class WiderWorld {

    /** How long a probe to an address nobody answers takes to fail, in virtual milliseconds. */
    static final long PROBE_TIMEOUT_MS = 2_000;
    /** How long a punch takes to fail after its start delay, in virtual milliseconds. */
    static final long PUNCH_TIMEOUT_MS = 3_000;

    /** Polls every second, never backing off: the tests time punches and relays by the traffic polls make. */
    static final KnownHostsConfig HOSTS = KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
        .withPolling(1_000, 300).withMaxPollIntervalMs(1_000);

    final MemoryNetwork net;
    private final ManualLoop loop;
    private final Map<PeerId, Member> members = new HashMap<>();
    private final Map<HostPort, PeerAddress> openAddresses = new HashMap<>();
    boolean punchesWork;
    private int routers;

    WiderWorld(long seed) {
        this.net = new MemoryNetwork(seed);
        this.loop = new ManualLoop(net.time());
    }

    /** A node of the toy internet with its parts. */
    record Member(TestNode node, FakeWider wider, KnownHosts hosts, Wider layer) {
        PeerId id() {
            return node.address().id();
        }
    }

    /** A public node: its listening address answers probes, peers see it at its own IP. */
    Member publicNode(WiderConfig config) {
        TestNode node = net.node();
        openAddresses.put(node.address().hostPort(), node.address());
        return install(node, config, node.address().host(), null);
    }

    /** A node behind its own router: peers see it at the router's IP, and no probe reaches it. */
    Member privateNode(WiderConfig config) {
        return privateNode(config, null);
    }

    /** A node behind its own router with a port mapping on it (null for none). */
    Member privateNode(WiderConfig config, PortMapping mapping) {
        TestNode node = net.node();
        return install(node, config, "198.51.100." + (++routers), mapping);
    }

    /** Makes probes to {@code address} reach {@code member}, as a router's port mapping does. */
    void open(HostPort address, Member member) {
        openAddresses.put(address, member.node().address());
    }

    /** Runs the network for {@code ms} virtual milliseconds. */
    void run(long ms) {
        net.time().advance(ms);
    }

    Member member(PeerId id) {
        return members.get(id);
    }

    /** Every node offers every other to its known-host list. */
    void introduceAll() {
        for (Member a : members.values()) {
            for (Member b : members.values()) {
                if (a != b) {
                    a.hosts().offer(b.node().address());
                }
            }
        }
    }

    private Member install(TestNode node, WiderConfig config, String publicIp, PortMapping mapping) {
        FakeWider wider = new FakeWider(node.address(), publicIp);
        node.transport().wider(wider);
        KnownHosts hosts = new KnownHosts(HOSTS, () -> 0L);
        Wider layer = mapping == null ? new Wider(config) : new Wider(config, mapping);
        node.runtime().install(hosts);
        node.runtime().install(layer);
        Member member = new Member(node, wider, hosts, layer);
        members.put(member.id(), member);
        net.time().runDue();
        return member;
    }

    /** One node's view of the toy internet. */
    final class FakeWider implements WiderTransport {
        final PeerAddress local;
        final String publicIp;
        final List<HostPort> probes = new ArrayList<>();
        final List<PeerAddress> advertised = new ArrayList<>();
        final Set<PeerId> acceptingVia = new LinkedHashSet<>();
        final Set<PeerId> relayedPeers = new HashSet<>();
        final Map<PeerId, PathKind> paths = new HashMap<>();
        final List<Punch> punches = new ArrayList<>();
        RelayGate gate;

        /** A punch this node started: with whom, the candidates, the delay, and when. */
        record Punch(PeerId peer, List<HostPort> candidates, long delayMs, long atMs) {
        }

        FakeWider(PeerAddress local, String publicIp) {
            this.local = local;
            this.publicIp = publicIp;
        }

        private int portOf(PeerId peer) {
            return 40_000 + (peer.hashCode() & 0x3FFF);
        }

        @Override
        public Optional<HostPort> observedAddress(PeerId peer) {
            Member member = members.get(peer);
            if (member == null || relayedPeers.contains(peer)) {
                return Optional.empty();
            }
            return Optional.of(new HostPort(member.wider().publicIp, portOf(local.id())));
        }

        @Override
        public void advertise(PeerAddress self) {
            advertised.add(self);
        }

        @Override
        public CompletableFuture<PeerAddress> probe(HostPort address) {
            probes.add(address);
            CompletableFuture<PeerAddress> result = new CompletableFuture<>();
            PeerAddress answer = openAddresses.get(address);
            if (answer != null) {
                loop.schedule(2 * MemoryNetwork.LATENCY_MS, () -> result.complete(answer));
            } else {
                loop.schedule(PROBE_TIMEOUT_MS, () -> result.completeExceptionally(
                    new PeerUnreachableException(address, "connect timed out", null)));
            }
            return result;
        }

        @Override
        public void serveRelay(RelayGate value) {
            gate = value;
        }

        @Override
        public void acceptCircuitsVia(PeerId relay, boolean accept) {
            if (accept) {
                acceptingVia.add(relay);
            } else {
                acceptingVia.remove(relay);
            }
        }

        @Override
        public CompletableFuture<Void> punch(PeerId peer, List<HostPort> candidates, long delayMs) {
            punches.add(new Punch(peer, List.copyOf(candidates), delayMs, net.time().nowMs()));
            CompletableFuture<Void> result = new CompletableFuture<>();
            if (punchesWork) {
                loop.schedule(delayMs + 2, () -> {
                    paths.put(peer, PathKind.PUNCHED);
                    result.complete(null);
                });
            } else {
                loop.schedule(delayMs + PUNCH_TIMEOUT_MS, () -> result.completeExceptionally(
                    new PeerUnreachableException(peer, "no candidate answered", null)));
            }
            return result;
        }

        @Override
        public Optional<PathKind> path(PeerId peer) {
            return Optional.ofNullable(paths.get(peer));
        }
    }
}
