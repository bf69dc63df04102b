package network.butter.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import network.butter.api.ButterException;
import network.butter.api.PeerIdentityMismatchException;
import network.butter.api.PeerUnreachableException;
import network.butter.env.PathKind;
import network.butter.env.RelayGate;
import network.butter.env.Transport;
import network.butter.env.TransportListener;
import network.butter.env.WiderTransport;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.WireFormatException;

/**
 * The transport of one simulated node incarnation. Like the real one it keeps "connections" (a request opens
 * one both ways; answers travel only on an open one), refuses requests to nodes that are not running, and tells
 * connected peers when it crashes or closes. A node that died silently ({@link SimNode#vanish()}) is different:
 * frames to it vanish and dials to it time out after {@link #DIAL_TIMEOUT_MS}, as on the internet. Every frame
 * crosses the network as bytes of the real codec.
 *
 * <p>Its {@link WiderTransport} side follows the simulation's NAT model ({@link HomeLan}): a public node is reached
 * by its id, as always; a node behind a NAT only where a dial to the address given gets through (a private address
 * from inside its LAN, a port mapping, or a mapping the router's filter opens), else the dial times out. A relayed
 * address opens a circuit through the relay's transport ({@link Circuit}), and punching succeeds exactly when the
 * two routers' mappings and filters let one of the two simultaneous dials through.
 */
final class SimTransport implements Transport, WiderTransport {

    /** How long a dial to a silent address takes to fail, in milliseconds: the real transport's connect timeout. */
    static final long DIAL_TIMEOUT_MS = 5_000;

    /** Frames held for one peer while a dial through a NAT or relay is under way; more are dropped (and time out). */
    static final int MAX_QUEUED_FRAMES = 64;

    /** Candidate addresses one punch dials; the rest are ignored. */
    static final int MAX_PUNCH_CANDIDATES = 8;

    private final Simulation simulation;
    private final SimNode node;
    private final int incarnation;
    private final FrameCodec codec;
    /** Open connections: each peer, with how (and to which incarnation of it) the connection was made. */
    private final Map<SimNode, Link> connected = new LinkedHashMap<>();
    /** Circuits this node is an end of. */
    private final List<Circuit> circuits = new ArrayList<>();
    /**
     * Addresses of peers being dialled through a NAT or a relay, with the frames waiting for the connection: one dial
     * per address, so a request to a peer's relayed address does not wait for (and fail with) a dial to its private
     * one that meets silence.
     */
    private final Map<PeerAddress, List<Frame>> dialing = new HashMap<>();
    /** Relays this node accepts circuits from. */
    private final Set<PeerId> relaysAccepted = new HashSet<>();
    /** Punches under way, by peer. */
    private final Map<PeerId, CompletableFuture<Void>> punching = new HashMap<>();
    /** Dials of punches in flight: they open mappings on this node's router like connections do. */
    private final List<PunchDial> punchDials = new ArrayList<>();
    private TransportListener listener;
    private PeerAddress advertised;
    private RelayGate gate;
    private boolean closed;

    /** One dial of a punch: from {@code local} (as seen outside) to {@code remote}, open until {@code untilMs}. */
    private record PunchDial(PeerId peer, HostPort local, HostPort remote, long untilMs) {
    }

    SimTransport(Simulation simulation, SimNode node, int incarnation, int maxFrameBytes) {
        this.simulation = simulation;
        this.node = node;
        this.incarnation = incarnation;
        this.codec = new FrameCodec(maxFrameBytes);
    }

    @Override
    public void start(TransportListener listener) {
        this.listener = listener;
    }

    /** The address set by {@link #advertise}, else the node's own (private, behind a NAT). */
    @Override
    public PeerAddress localAddress() {
        return advertised != null ? advertised : node.address();
    }

    @Override
    public Optional<WiderTransport> wider() {
        return Optional.of(this);
    }

    SimNode node() {
        return node;
    }

    int incarnation() {
        return incarnation;
    }

    /** Whether this transport's incarnation still runs. */
    boolean live() {
        return !closed && node.isIncarnation(incarnation);
    }

    int maxFrameBytes() {
        return codec.maxFrameBytes();
    }

    @Override
    public void send(PeerAddress peer, Frame frame) {
        if (closed) {
            return;
        }
        SimNode target = simulation.node(peer.id());
        boolean isRequest = frame instanceof Frame.Request;
        Link link = target == null ? null : connected.get(target);
        if (link == null && isRequest && (peer.isRelayed() || target != null && target.behindNat())) {
            dialAndSend(peer, frame);
            return;
        }
        if (target != null && target.dark()) {
            simulation.countVanished(); // its links are dark: no reset, no refusal, only silence
            return;
        }
        if (target == null || !target.running()) {
            if (isRequest) {
                simulation.countRefused();
                afterRoundTrip(() -> listener.onPeerFailed(peer.id(),
                    new PeerUnreachableException(peer, "connection refused", null)));
            }
            return;
        }
        if (link != null && link.peerIncarnation() != target.incarnation()) {
            // The connection is to an incarnation that died: the frame hits a dead socket. After a crash the reset
            // is on its way; after a silent death the restarted host answers the stray frame with one.
            int stale = link.peerIncarnation();
            if (target.diedSilently(stale)) {
                afterRoundTrip(() -> peerLost(target, stale,
                    new PeerUnreachableException(peer, "connection reset", null)));
            }
            return;
        }
        if (!isRequest && link == null) {
            return; // answers need the connection the request came on
        }
        int peerMax = target.transport().maxFrameBytes();
        if (codec.frameLength(frame) > peerMax && frame instanceof Frame.Request request) {
            String why = "frame of " + codec.frameLength(frame) + " bytes exceeds the " + peerMax + " bytes " + peer + " accepts";
            simulation.schedule(node, incarnation, 0, () -> listener.onFrame(peer,
                new Frame.Failure(request.requestId(), ErrorCode.PAYLOAD_TOO_LARGE, why)));
            return;
        }
        if (link == null) {
            link = open(target, PathKind.DIRECT, node.behindNat() ? source(target.address().hostPort(), false) : null,
                null, null);
        }
        byte[] bytes;
        try {
            bytes = codec.encode(frame);
        } catch (FrameTooLargeException e) {
            throw new IllegalStateException("the runtime handed the transport an oversized frame: " + frame, e);
        }
        deliver(link, bytes);
    }

    private void deliver(Link link, byte[] bytes) {
        SimNode target = link.peer();
        SimTransport theirs = target.transport();
        PeerAddress self = localAddress();
        Circuit circuit = link.circuit();
        if (circuit == null) {
            simulation.transmitFrame(node, target, bytes, theirs, self);
            return;
        }
        if (!circuit.carry(bytes.length)) {
            return;
        }
        simulation.countRelayed(bytes.length);
        SimNode relay = circuit.relay().node();
        simulation.transmit(node, relay, bytes, () -> {
            if (!circuit.closed()) {
                simulation.transmitFrame(relay, target, bytes, theirs, self);
            }
        });
    }

    /** A frame from the node that sent it as {@code from} arrives; runs on this node's incarnation. */
    void receive(PeerAddress from, byte[] bytes) {
        if (closed) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, FrameCodec.LENGTH_FIELD_BYTES, bytes.length - FrameCodec.LENGTH_FIELD_BYTES);
        try {
            listener.onFrame(from, codec.decode(buffer));
        } catch (WireFormatException e) {
            throw new IllegalStateException("a frame from " + from + " did not survive the codec: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a connection to {@code peer} at both ends, replacing any other (a circuit a punched connection takes
     * over closes quietly), and counts it.
     */
    private Link open(SimNode peer, PathKind kind, HostPort local, HostPort remote, Circuit circuit) {
        SimTransport theirs = peer.transport();
        boolean plain = kind == PathKind.DIRECT && local == null && remote == null && circuit == null;
        Link mine = plain ? peer.directLink() : new Link(peer, peer.incarnation(), kind, local, remote, circuit);
        replace(mine);
        theirs.replace(plain && node.incarnation() == incarnation ? node.directLink()
            : new Link(node, incarnation, kind, remote, local, circuit));
        simulation.countConnection(kind);
        return mine;
    }

    private void replace(Link link) {
        Link old = connected.put(link.peer(), link);
        if (link.circuit() != null) {
            circuits.add(link.circuit());
        }
        if (old != null && old.circuit() != null && old.circuit() != link.circuit()) {
            old.circuit().close("a direct connection took over", false);
        }
    }

    /** The connection to incarnation {@code peerIncarnation} of {@code peer} broke: what was in flight fails. */
    void peerLost(SimNode peer, int peerIncarnation, ButterException cause) {
        Link link = connected.get(peer);
        if (link != null && link.peerIncarnation() == peerIncarnation) {
            connected.remove(peer);
            if (link.circuit() != null) {
                link.circuit().close(cause.getMessage(), true);
            } else if (!closed) {
                listener.onPeerFailed(peer.id(), cause);
            }
        }
        if (!circuits.isEmpty()) {
            for (Circuit circuit : List.copyOf(circuits)) {
                if (circuit.relay().node() == peer) {
                    circuit.close("the relay " + peer.id().shortForm() + " is gone", true);
                }
            }
        }
    }

    /** A circuit to {@code peer} closed: drops its connection, and tells the runtime if {@code tell}. */
    void circuitClosed(Circuit circuit, SimNode peer, String reason, boolean tell) {
        circuits.remove(circuit);
        Link link = connected.get(peer);
        if (link != null && link.circuit() == circuit) {
            connected.remove(peer);
        }
        if (tell && live()) {
            PeerUnreachableException cause = new PeerUnreachableException(peer.address(),
                "relayed circuit closed: " + reason, null);
            simulation.schedule(node, incarnation, simulation.latency(), () -> {
                if (!closed) {
                    listener.onPeerFailed(peer.id(), cause);
                }
            });
        }
    }

    @Override
    public CompletableFuture<PeerAddress> connect(HostPort address) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        HostPort source = node.behindNat() ? source(address, false) : null;
        SimNode target = answerer(address, source);
        if (target != null && target.dark() || target == null && simulation.natModelled()) {
            timeOut(result, address, target != null);
            return result;
        }
        afterRoundTrip(() -> {
            if (target != null && target.running()) {
                if (!connected.containsKey(target)) {
                    open(target, PathKind.DIRECT, source, target.behindNat() ? address : null, null);
                }
                result.complete(target.behindNat() ? new PeerAddress(target.id(), address.host(), address.port())
                    : target.address());
            } else {
                result.completeExceptionally(new PeerUnreachableException(address, "connection refused", null));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> close() {
        if (!closed) {
            disconnectAll("it closed the connection (" + ErrorCode.SHUTTING_DOWN + ")");
            closed = true;
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Tells every connected peer, one latency later, that this node is gone; closes its circuits. Every peer gets the
     * same exception (they would get equal ones), made once: a crash of a node with hundreds of connections, and the
     * end of a large run crashing every node, made one exception with its stack trace per connection.
     */
    void disconnectAll(String reason) {
        PeerUnreachableException cause = null;
        for (Map.Entry<SimNode, Link> entry : connected.entrySet()) {
            if (entry.getValue().circuit() != null) {
                continue;
            }
            SimNode peer = entry.getKey();
            SimTransport theirs = peer.transport();
            if (cause == null) {
                cause = new PeerUnreachableException(node.address(), reason, null);
            }
            PeerUnreachableException lost = cause;
            simulation.schedule(peer, entry.getValue().peerIncarnation(), simulation.latency(),
                () -> theirs.peerLost(node, incarnation, lost));
        }
        connected.clear();
        for (Circuit circuit : List.copyOf(circuits)) {
            circuit.close("the peer is gone: " + reason, true);
        }
    }

    /**
     * Lets go of the dead incarnation's runtime and pending dials ({@link Simulation.Builder#forgetDeadNodes}): it is
     * closed, so what still arrives for it is dropped, as it would be for any dead incarnation.
     */
    void forget() {
        closed = true;
        listener = null;
        dialing.clear();
        punching.clear();
        punchDials.clear();
        circuits.clear();
    }

    private void afterRoundTrip(Runnable action) {
        simulation.schedule(node, incarnation, 2 * simulation.latency(), action);
    }

    // ---- dialling through the NAT model and relays ----

    /** Dials {@code peer} (behind a NAT, or through a relay), holding frames until the connection is open. */
    private void dialAndSend(PeerAddress peer, Frame frame) {
        List<Frame> waiting = dialing.get(peer);
        if (waiting != null) {
            if (waiting.size() < MAX_QUEUED_FRAMES) {
                waiting.add(frame);
            }
            return;
        }
        waiting = new ArrayList<>();
        waiting.add(frame);
        dialing.put(peer, waiting);
        CompletableFuture<Link> dial = peer.isRelayed() ? dialRelayed(peer) : dial(peer.hostPort(), peer.id());
        dial.whenComplete((link, error) -> {
            List<Frame> frames = dialing.remove(peer);
            if (closed) {
                return;
            }
            if (error != null && !hasLiveLink(peer.id())) {
                List<Frame> otherDial = otherDialTo(peer);
                if (otherDial == null) {
                    listener.onPeerFailed(peer.id(), butterCause(peer, error));
                    return;
                }
                for (Frame waitingFrame : frames) { // a dial to another of its addresses may still get through
                    if (otherDial.size() < MAX_QUEUED_FRAMES) {
                        otherDial.add(waitingFrame);
                    }
                }
                return;
            }
            // Dialled, or the dial failed while another path to the peer opened (it dialled in, a punch, another
            // address): the frames go over whatever connection there is now, as on the real transport.
            for (Frame waitingFrame : frames) {
                send(peer, waitingFrame);
            }
        });
    }

    /** The frames waiting for a dial to another address of {@code peer}'s node, or null if none is under way. */
    private List<Frame> otherDialTo(PeerAddress peer) {
        for (Map.Entry<PeerAddress, List<Frame>> entry : dialing.entrySet()) {
            if (entry.getKey().id().equals(peer.id())) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Whether an open connection (direct or a circuit) leads to the running incarnation of {@code peer}. */
    private boolean hasLiveLink(PeerId peer) {
        SimNode target = simulation.node(peer);
        Link link = target == null ? null : connected.get(target);
        return link != null && link.peerIncarnation() == target.incarnation() && target.running();
    }

    private static ButterException butterCause(PeerAddress peer, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof ButterException butter ? butter
            : new PeerUnreachableException(peer, String.valueOf(cause.getMessage()), cause);
    }

    /**
     * Dials {@code address} from this node's listening port, expecting {@code expected} to answer: reuses an open
     * connection to that peer, else opens one where the NAT model lets the dial through.
     */
    private CompletableFuture<Link> dial(HostPort address, PeerId expected) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        SimNode known = simulation.node(expected);
        Link open = known == null ? null : connected.get(known);
        if (open != null && open.circuit() == null && open.peerIncarnation() == known.incarnation()) {
            result.complete(open);
            return result;
        }
        HostPort source = source(address, false);
        SimNode target = answerer(address, source);
        if (target == null || target.dark()) {
            timeOut(result, address, target != null);
            return result;
        }
        afterRoundTrip(() -> {
            if (!target.running()) {
                simulation.countRefused();
                result.completeExceptionally(new PeerUnreachableException(address, "connection refused", null));
            } else if (!target.id().equals(expected)) {
                result.completeExceptionally(new PeerIdentityMismatchException(address, expected, target.id()));
            } else {
                Link existing = connected.get(target);
                result.complete(existing != null && existing.circuit() == null
                    && existing.peerIncarnation() == target.incarnation()
                    ? existing : open(target, PathKind.DIRECT, source, address, null));
            }
        });
        return result;
    }

    private <T> void timeOut(CompletableFuture<T> result, HostPort address, boolean dark) {
        if (dark) {
            simulation.countVanished();
        }
        simulation.schedule(node, incarnation, DIAL_TIMEOUT_MS, () -> result.completeExceptionally(
            new PeerUnreachableException(address, "connect timed out after " + DIAL_TIMEOUT_MS + " ms", null)));
    }

    /** Dials the relay of {@code peer}'s address, then asks it for a circuit to {@code peer}. */
    private CompletableFuture<Link> dialRelayed(PeerAddress peer) {
        PeerAddress relayAddress = peer.relayAddress();
        if (relayAddress.id().equals(node.id())) {
            return CompletableFuture.failedFuture(new PeerUnreachableException(peer,
                "it is relayed through this node, which has no connection to it", null));
        }
        return dial(relayAddress.hostPort(), relayAddress.id()).thenCompose(relayLink -> requestCircuit(relayLink, peer));
    }

    private CompletableFuture<Link> requestCircuit(Link relayLink, PeerAddress peer) {
        CompletableFuture<Link> result = new CompletableFuture<>();
        SimNode relayNode = relayLink.peer();
        SimTransport relay = relayNode.transport();
        String fromHost = relayLink.local() != null ? relayLink.local().host() : node.address().host();
        simulation.schedule(relayNode, relayLink.peerIncarnation(), simulation.latency(), () -> {
            Object decision = relay.decideCircuit(this, fromHost, peer.id());
            simulation.schedule(node, incarnation, simulation.latency(), () -> {
                if (decision instanceof Circuit circuit) {
                    if (circuit.closed() || !circuit.to().live() || result.isDone()) {
                        circuit.close("the circuit was no longer wanted", false);
                        result.completeExceptionally(new PeerUnreachableException(peer, "the circuit closed at once", null));
                        return;
                    }
                    Link existing = connected.get(circuit.to().node());
                    if (existing != null && existing.peerIncarnation() == circuit.to().node().incarnation()) {
                        // The peer's own circuit (or a direct connection) got there first: use it, and drop this
                        // one before it carries anything, rather than cut the other with frames in flight.
                        circuit.close("a connection to the peer is already open", false);
                        result.complete(existing);
                        return;
                    }
                    result.complete(open(circuit.to().node(), PathKind.RELAYED, null, null, circuit));
                } else {
                    result.completeExceptionally(new PeerUnreachableException(peer,
                        "the relay refused the circuit: " + decision, null));
                }
            });
        });
        simulation.schedule(node, incarnation, DIAL_TIMEOUT_MS, () -> result.completeExceptionally(
            new PeerUnreachableException(peer, "the relay did not answer within " + DIAL_TIMEOUT_MS + " ms", null)));
        return result;
    }

    /**
     * On the relay: whether to forward a circuit from {@code from} to {@code targetId}.
     *
     * @return the open {@link Circuit}, or the reason of the refusal
     */
    private Object decideCircuit(SimTransport from, String fromHost, PeerId targetId) {
        if (!live() || !from.live()) {
            return "the relay is gone";
        }
        if (gate == null) {
            return "this node does not relay";
        }
        SimNode target = simulation.node(targetId);
        Link toTarget = target == null ? null : connected.get(target);
        if (toTarget == null || toTarget.circuit() != null || !target.running()
            || toTarget.peerIncarnation() != target.incarnation()) {
            return "no connection to " + targetId.shortForm();
        }
        SimTransport targetTransport = target.transport();
        if (!targetTransport.relaysAccepted.contains(node.id())) {
            return targetId.shortForm() + " does not accept circuits via this relay";
        }
        RelayGate.Decision decision = gate.openCircuit(from.node.id(), fromHost, targetId);
        if (decision instanceof RelayGate.Refused refused) {
            return refused.reason();
        }
        RelayGate.Allowed allowed = (RelayGate.Allowed) decision;
        Circuit circuit = new Circuit(simulation, this, from, targetTransport, gate, allowed.maxBytes());
        simulation.schedule(node, incarnation, allowed.maxDurationMs(),
            () -> circuit.close("its limit of " + allowed.maxDurationMs() + " ms is reached", true));
        return circuit;
    }

    /**
     * This node's endpoint, as seen from outside its LAN, for a dial to {@code destination}: its own address when
     * public or when the destination is in its LAN, else its router's public IP with the port the router maps the
     * dial to. An {@code ephemeral} dial (a probe) comes from a fresh port, not the listening one.
     */
    private HostPort source(HostPort destination, boolean ephemeral) {
        HomeLan lan = node.lan();
        if (lan == null || lan.isInside(destination.host())) {
            return ephemeral ? new HostPort(node.address().host(), simulation.ephemeralPort()) : node.address().hostPort();
        }
        return new HostPort(lan.publicIp(), ephemeral ? lan.freshPort() : lan.outboundPort(node, destination));
    }

    /**
     * Who takes a dial from {@code source} to {@code address}: a member of this node's LAN at a private address,
     * a public node, or whoever the router at a public address lets it through to; null if the dial meets silence.
     */
    private SimNode answerer(HostPort address, HostPort source) {
        HomeLan mine = node.lan();
        if (mine != null && mine.isInside(address.host())) {
            return address.port() == Simulation.LISTEN_PORT ? mine.member(address.host()) : null;
        }
        return simulation.answerFromOutside(address, source);
    }

    /**
     * Whether a fresh dial from a public vantage point to the address this node gives now would reach it: directly
     * (public, a port mapping, or a filter open to all), or through the relay it names, which must be reachable, relay
     * ({@link #serveRelay}), hold a direct connection to this node, and be accepted by it. The relay's gate is not
     * asked, as that would count as a circuit.
     */
    boolean reachableFromOutside() {
        if (!live()) {
            return false;
        }
        PeerAddress self = localAddress();
        if (!self.isRelayed()) {
            return simulation.answerFromOutside(self.hostPort(), Simulation.OUTSIDE_VANTAGE) == node;
        }
        SimNode relay = simulation.node(self.relay());
        if (relay == null || !relaysAccepted.contains(relay.id()) || !relay.running()
            || simulation.answerFromOutside(self.hostPort(), Simulation.OUTSIDE_VANTAGE) != relay) {
            return false;
        }
        SimTransport relayTransport = relay.transport();
        Link toMe = relayTransport.connected.get(node);
        return relayTransport.gate != null && toMe != null && toMe.circuit() == null && toMe.peerIncarnation() == incarnation;
    }

    /**
     * Whether this node has a connection or a punch dial from router endpoint {@code external}, to {@code source}
     * (or to anyone, if {@code anySource}): the mapping a router's filter checks an incoming dial against.
     */
    boolean holdsFlow(HostPort external, HostPort source, boolean anySource) {
        for (Link link : connected.values()) {
            if (external.equals(link.local()) && (anySource || source.equals(link.remote()))) {
                return true;
            }
        }
        for (PunchDial dial : punchDials) {
            if (dial.untilMs() >= simulation.nowMs() && external.equals(dial.local())
                && (anySource || source.equals(dial.remote()))) {
                return true;
            }
        }
        return false;
    }

    // ---- WiderTransport ----

    @Override
    public Optional<HostPort> observedAddress(PeerId peer) {
        SimNode peerNode = simulation.node(peer);
        Link link = peerNode == null ? null : connected.get(peerNode);
        if (link == null || link.circuit() != null) {
            return Optional.empty();
        }
        return Optional.of(link.remote() != null ? link.remote() : peerNode.address().hostPort());
    }

    /** Peers see frames from this node as coming from {@code self} from now on. */
    @Override
    public void advertise(PeerAddress self) {
        Objects.requireNonNull(self, "self");
        if (!self.id().equals(node.id())) {
            throw new IllegalArgumentException("can only advertise an address with this node's id " + node.id()
                + ", not " + self.id());
        }
        this.advertised = self;
    }

    @Override
    public CompletableFuture<PeerAddress> probe(HostPort address) {
        CompletableFuture<PeerAddress> result = new CompletableFuture<>();
        HostPort source = source(address, true);
        SimNode target = answerer(address, source);
        if (target == null || target.dark()) {
            timeOut(result, address, target != null);
            return result;
        }
        afterRoundTrip(() -> {
            if (target.running()) {
                result.complete(new PeerAddress(target.id(), address.host(), address.port()));
            } else {
                result.completeExceptionally(new PeerUnreachableException(address, "connection refused", null));
            }
        });
        return result;
    }

    @Override
    public void serveRelay(RelayGate gate) {
        this.gate = gate;
    }

    @Override
    public void acceptCircuitsVia(PeerId relay, boolean accept) {
        Objects.requireNonNull(relay, "relay");
        if (accept) {
            relaysAccepted.add(relay);
        } else {
            relaysAccepted.remove(relay);
        }
    }

    /**
     * At {@code delayMs} from now dials every candidate (up to {@value #MAX_PUNCH_CANDIDATES}) from the listening
     * port; each dial opens a mapping on this node's router for {@link #DIAL_TIMEOUT_MS}. A dial gets through when it
     * reaches the peer itself: a public peer, a port mapping, or a mapping the peer's own punch dial (or connection)
     * opened on its router that the router's filter lets this dial's source in to.
     */
    @Override
    public CompletableFuture<Void> punch(PeerId peer, List<HostPort> candidates, long delayMs) {
        Objects.requireNonNull(peer, "peer");
        List<HostPort> targets = List.copyOf(candidates.subList(0, Math.min(candidates.size(), MAX_PUNCH_CANDIDATES)));
        CompletableFuture<Void> result = new CompletableFuture<>();
        CompletableFuture<Void> earlier = punching.put(peer, result);
        if (earlier != null) {
            earlier.completeExceptionally(new PeerUnreachableException(peer, "a newer punch replaced this one", null));
        }
        simulation.schedule(node, incarnation, Math.max(0, delayMs), () -> {
            long untilMs = simulation.nowMs() + DIAL_TIMEOUT_MS;
            for (HostPort candidate : targets) {
                HostPort source = source(candidate, false);
                punchDials.add(new PunchDial(peer, source, candidate, untilMs));
                simulation.schedule(node, incarnation, simulation.latency(), () -> punchArrives(peer, candidate, source));
            }
            simulation.schedule(node, incarnation, DIAL_TIMEOUT_MS, () -> {
                punchDials.removeIf(dial -> dial.peer().equals(peer) && dial.untilMs() <= simulation.nowMs());
                if (punching.remove(peer, result)) {
                    result.completeExceptionally(new PeerUnreachableException(peer,
                        "no punch candidate connected within " + DIAL_TIMEOUT_MS + " ms", null));
                }
            });
        });
        return result;
    }

    /** A punch dial from {@code source} reaches {@code candidate}: a direct connection if someone takes it. */
    private void punchArrives(PeerId peer, HostPort candidate, HostPort source) {
        CompletableFuture<Void> mine = punching.get(peer);
        if (mine == null || mine.isDone()) {
            return;
        }
        SimNode target = answerer(candidate, source);
        if (target == null || !target.id().equals(peer) || !target.running()) {
            return;
        }
        SimTransport theirs = target.transport();
        Link open = connected.get(target);
        if (open == null || open.kind() != PathKind.PUNCHED || open.peerIncarnation() != target.incarnation()) {
            open(target, PathKind.PUNCHED, source, candidate, null); // else the peer's dial got through first
        }
        punching.remove(peer);
        punchDials.removeIf(dial -> dial.peer().equals(peer));
        mine.complete(null);
        simulation.schedule(target, target.incarnation(), simulation.latency(), () -> theirs.punchSucceeded(node.id()));
    }

    private void punchSucceeded(PeerId peer) {
        punchDials.removeIf(dial -> dial.peer().equals(peer));
        CompletableFuture<Void> mine = punching.remove(peer);
        if (mine != null) {
            mine.complete(null);
        }
    }

    @Override
    public Optional<PathKind> path(PeerId peer) {
        SimNode peerNode = simulation.node(peer);
        Link link = peerNode == null ? null : connected.get(peerNode);
        return link == null ? Optional.empty() : Optional.of(link.kind());
    }

    /** The open connections, for the simulation's count by path. */
    Iterable<Link> links() {
        return connected.values();
    }
}
