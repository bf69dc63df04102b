package network.butter.examples.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import network.butter.env.Cancellable;
import network.butter.api.Node;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.WireFormatException;

/**
 * A chat room over the overlay, built only on the public node API: every line said in the room reaches every node in
 * it, by gossip, without a server.
 *
 * <ul>
 *   <li><b>Finding the room.</b> Joining sends a JOIN to the node's known hosts (at most {@link #MAX_PROBES} at a
 *       time, again every {@link #PROBE_INTERVAL} while the room is small); a host in the same room answers with
 *       the members it knows, so a newcomer meets the room through whoever it knows.</li>
 *   <li><b>Spreading.</b> Each event (a line, a join, a leave) goes to up to {@link #FAN_OUT} random members, and
 *       every member that sees it for the first time passes it on the same way, up to {@link ChatMessage#MAX_HOPS}
 *       hops. Events carry a random id; each node passes each id on and shows it once (it remembers the last
 *       {@link #REMEMBERED_IDS}).</li>
 *   <li><b>Bounds.</b> A room keeps at most {@link #MAX_MEMBERS} members (a member that fails a send is dropped). Each
 *       speaker may say {@link #RATE_PER_SECOND} lines a second (bursts of {@link #BURST}): this node refuses its own
 *       user beyond that, and drops, without passing on, what any other speaker sends beyond it.</li>
 * </ul>
 *
 * <p>Lines may arrive out of order and, in a partitioned network, not at all; this is chat for people on the same
 * overlay, not a log. A node that passes an event on could alter it (events are not signed by their speaker: the
 * public node API does not sign for applications), so the room trusts its members as much as a group chat does.
 * Listeners run on the node's handler threads and must be quick.
 */
public final class ChatRoom implements AutoCloseable {

    /** The route every chat node serves. */
    public static final String ROUTE = "butter/chat/v1";
    /** Members each event is sent to by each node that passes it on. */
    public static final int FAN_OUT = 6;
    /** Most members a node keeps for a room. */
    public static final int MAX_MEMBERS = 256;
    /** Event ids remembered for de-duplication. */
    public static final int REMEMBERED_IDS = 8_192;
    /** Known hosts asked at a time whether they are in the room. */
    public static final int MAX_PROBES = 32;
    /** Lines a speaker may say per second, on average. */
    public static final double RATE_PER_SECOND = 5;
    /** Lines a speaker may say at once. */
    public static final int BURST = 10;
    /** How often a small room looks among the known hosts for more members. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);
    /** How often a node that knows no member yet looks, so that it finds the room as soon as it finds peers. */
    public static final Duration LONELY_PROBE_INTERVAL = Duration.ofSeconds(1);

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_SPEAKERS = 1_024;
    private static final byte[] IN_ROOM = {1};
    private static final byte[] NOT_IN_ROOM = {0};

    private final Node node;
    private final String room;
    private final String nick;
    private final Supplier<List<PeerAddress>> knownHosts;
    private final Consumer<ChatMessage> listener;
    private final Random random = new Random();
    private final Map<PeerId, PeerAddress> members = new LinkedHashMap<>();
    private final Map<String, Boolean> seen = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private final Map<PeerId, TokenBucket> speakers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, TokenBucket> eldest) {
            return size() > MAX_SPEAKERS;
        }
    };
    private final Map<PeerId, Boolean> probed = new LinkedHashMap<>();
    private final byte[] joinId = new byte[ChatMessage.ID_BYTES];
    private Cancellable prober = Cancellable.NONE;
    private long lastProbeMs;
    private boolean left;

    private ChatRoom(Node node, String room, String nick, Supplier<List<PeerAddress>> knownHosts,
                     Consumer<ChatMessage> listener) {
        this.node = node;
        this.room = room;
        this.nick = nick;
        this.knownHosts = knownHosts;
        this.listener = listener;
    }

    /**
     * Serves the chat route on {@code node}; call before the node starts, then {@link #join()} once it runs.
     *
     * @param node       the node to chat through
     * @param room       the room's name
     * @param nick       what others see as the speaker's name
     * @param knownHosts where to look for the room: normally the node's known hosts
     * @param listener   gets every event of the room once, this node's own included
     * @throws IllegalArgumentException if the room or nick is empty, too long or has control characters
     */
    public static ChatRoom serve(Node node, String room, String nick, Supplier<List<PeerAddress>> knownHosts,
                                 Consumer<ChatMessage> listener) {
        ChatMessage.check("room", room, 1, ChatMessage.MAX_ROOM_BYTES);
        ChatMessage.check("nick", nick, 1, ChatMessage.MAX_NICK_BYTES);
        ChatRoom chat = new ChatRoom(node, room, nick, Objects.requireNonNull(knownHosts), Objects.requireNonNull(listener));
        node.handle(ROUTE, chat::onRequest);
        return chat;
    }

    /** Announces this node in the room and starts looking for members among the known hosts. */
    public void join() {
        random.nextBytes(joinId);
        publish(ChatMessage.Kind.JOIN, "", joinId);
        prober = node.every(LONELY_PROBE_INTERVAL, n -> probeIfDue());
        probe();
    }

    /**
     * Says a line in the room.
     *
     * @return how many members it was sent to directly: 0 when this node knows no one in the room yet
     * @throws IllegalArgumentException if the line is longer than {@link ChatMessage#MAX_TEXT_BYTES} or has control
     *                                  characters
     * @throws IllegalStateException    if this user says more than {@link #RATE_PER_SECOND} lines a second
     */
    public int say(String text) {
        return publish(ChatMessage.Kind.SAY, text, null);
    }

    /** The members this node knows in the room now. */
    public synchronized List<PeerAddress> members() {
        return List.copyOf(members.values());
    }

    /** Tells the room this node leaves, and stops looking for members. The node itself stays up. */
    @Override
    public void close() {
        synchronized (this) {
            if (left) {
                return;
            }
            left = true;
        }
        prober.cancel();
        publish(ChatMessage.Kind.LEAVE, "", null);
    }

    /** Shows and spreads a new event ({@code givenId} null for a fresh random id); returns how many it went to. */
    private int publish(ChatMessage.Kind kind, String text, byte[] givenId) {
        byte[] id = givenId != null ? givenId : new byte[ChatMessage.ID_BYTES];
        if (givenId == null) {
            random.nextBytes(id);
        }
        ChatMessage message = new ChatMessage(kind, id, 0, node.address(), room, nick, text);
        synchronized (this) {
            if (kind == ChatMessage.Kind.SAY && !bucket(node.id()).take(nowMs())) {
                throw new IllegalStateException("slow down: at most " + (int) RATE_PER_SECOND + " lines a second");
            }
            seen.put(message.idHex(), Boolean.TRUE);
        }
        listener.accept(message);
        return spread(message, node.id());
    }

    private Reply onRequest(Request request) {
        ChatMessage message;
        try {
            message = ChatMessage.decode(request.payload());
        } catch (WireFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!message.room().equals(room) || !message.origin().id().equals(request.from().id()) && message.hops() == 0) {
            return Reply.of(NOT_IN_ROOM);
        }
        boolean fresh;
        List<PeerAddress> introduce = new ArrayList<>();
        synchronized (this) {
            if (left) {
                return Reply.of(NOT_IN_ROOM);
            }
            remember(request.from(), introduce);
            if (message.kind() == ChatMessage.Kind.LEAVE) {
                members.remove(message.origin().id());
            } else {
                remember(message.origin(), introduce);
            }
            fresh = seen.putIfAbsent(message.idHex(), Boolean.TRUE) == null
                && (message.kind() != ChatMessage.Kind.SAY || bucket(message.origin().id()).take(nowMs()));
        }
        introduceTo(introduce);
        if (fresh) {
            listener.accept(message);
            if (message.hops() < ChatMessage.MAX_HOPS) {
                spread(message.forwarded(), request.from().id());
            }
        }
        return Reply.of(message.kind() == ChatMessage.Kind.JOIN && message.hops() == 0 ? inRoomWith(members()) : IN_ROOM);
    }

    private static byte[] inRoomWith(List<PeerAddress> members) {
        byte[] sample = network.butter.hosts.HostSample.encode(members.subList(0, Math.min(members.size(), 32)));
        byte[] reply = new byte[1 + sample.length];
        reply[0] = 1;
        System.arraycopy(sample, 0, reply, 1, sample.length);
        return reply;
    }

    /** Sends to up to {@link #FAN_OUT} random members other than {@code except}; returns how many. */
    private int spread(ChatMessage message, PeerId except) {
        List<PeerAddress> targets;
        synchronized (this) {
            targets = new ArrayList<>(members.values());
        }
        targets.removeIf(member -> member.id().equals(except) || member.id().equals(message.origin().id()));
        Collections.shuffle(targets, random);
        targets.subList(Math.min(targets.size(), FAN_OUT), targets.size()).clear();
        byte[] payload = message.encode();
        for (PeerAddress target : targets) {
            node.request(target, ROUTE, payload, SEND_TIMEOUT).whenComplete((reply, error) -> {
                if (error != null || reply.payload().length == 0 || reply.payload()[0] == 0) {
                    forget(target.id());
                }
            });
        }
        return targets.size();
    }

    /** Probes every {@link #PROBE_INTERVAL}, or at once while this node knows no member. */
    private void probeIfDue() {
        long now = nowMs();
        synchronized (this) {
            if (!members.isEmpty() && now - lastProbeMs < PROBE_INTERVAL.toMillis()) {
                return;
            }
        }
        probe();
    }

    /** Asks known hosts not asked yet whether they are in the room; learns the members they name. */
    private void probe() {
        List<PeerAddress> candidates = new ArrayList<>();
        synchronized (this) {
            lastProbeMs = nowMs();
            if (left || members.size() >= FAN_OUT * 2) {
                return;
            }
            for (PeerAddress host : knownHosts.get()) {
                if (candidates.size() < MAX_PROBES && !members.containsKey(host.id()) && probed.putIfAbsent(host.id(), true) == null) {
                    candidates.add(host);
                }
            }
            if (probed.size() > MAX_MEMBERS * 4) {
                probed.clear();
            }
        }
        // The probe is this node's own join again: a member that saw it already only answers with the members it knows.
        byte[] join = new ChatMessage(ChatMessage.Kind.JOIN, joinId, 0, node.address(), room, nick, "").encode();
        for (PeerAddress host : candidates) {
            node.request(host, ROUTE, join, SEND_TIMEOUT).whenComplete((reply, error) -> {
                if (error == null && reply.payload().length > 0 && reply.payload()[0] == 1) {
                    learn(host, reply.payload());
                }
            });
        }
    }

    private void learn(PeerAddress host, byte[] reply) {
        List<PeerAddress> named = List.of();
        if (reply.length > 1) {
            try {
                named = network.butter.hosts.HostSample.decode(java.util.Arrays.copyOfRange(reply, 1, reply.length));
            } catch (WireFormatException e) {
                named = List.of();
            }
        }
        List<PeerAddress> introduce = new ArrayList<>();
        synchronized (this) {
            if (members.size() < MAX_MEMBERS || members.containsKey(host.id())) {
                members.put(host.id(), host); // it answered this node's join: it has heard it
            }
            named.forEach(member -> remember(member, introduce));
        }
        introduceTo(introduce);
    }

    /** Adds a member; a new one is queued in {@code introduce} to hear this node's join. Call holding the lock. */
    private void remember(PeerAddress member, List<PeerAddress> introduce) {
        if (member.id().equals(node.id()) || members.size() >= MAX_MEMBERS && !members.containsKey(member.id())) {
            return;
        }
        if (members.put(member.id(), member) == null && !left) {
            introduce.add(member);
        }
    }

    /** Sends this node's own join to members that may not have heard it: each learns of this node at once. */
    private void introduceTo(List<PeerAddress> newMembers) {
        if (newMembers.isEmpty()) {
            return;
        }
        byte[] join = new ChatMessage(ChatMessage.Kind.JOIN, joinId, 0, node.address(), room, nick, "").encode();
        for (PeerAddress member : newMembers) {
            node.request(member, ROUTE, join, SEND_TIMEOUT).whenComplete((reply, error) -> {
                if (error != null) {
                    forget(member.id());
                }
            });
        }
    }

    private synchronized void forget(PeerId member) {
        members.remove(member);
    }

    private TokenBucket bucket(PeerId speaker) {
        return speakers.computeIfAbsent(speaker, s -> new TokenBucket(BURST, nowMs()));
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Lines a speaker may still say: refills at {@link #RATE_PER_SECOND}, holds at most {@link #BURST}. */
    private static final class TokenBucket {
        private double tokens;
        private long lastMs;

        TokenBucket(double tokens, long nowMs) {
            this.tokens = tokens;
            this.lastMs = nowMs;
        }

        boolean take(long nowMs) {
            tokens = Math.min(BURST, tokens + (nowMs - lastMs) * RATE_PER_SECOND / 1000);
            lastMs = nowMs;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }
}
