package network.butter.testbed.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.Tombstone;
import network.butter.retrieve.Bfs;
import network.butter.retrieve.QueryId;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.SearchQuery;
import network.butter.store.ContentId;
import network.butter.wire.PayloadWriter;

/**
 * Costs honest nodes work and state: BFS queries with the largest TTL for blocks nobody holds (each one reaches the
 * whole network), heartbeats carrying {@link #TOMBSTONES_PER_BEAT} valid tombstones of junk ids (each a signature
 * check at the receiver, and a stored record the first time; they are tombstones of junk blocks the attacker owns,
 * the only valid ones its key can sign since a block's id commits to its owner), and bursts of requests to the protocol routes.
 * Bounded per node: {@link #MAX_QUERIES} queries, {@link #MAX_TOMBSTONES} distinct tombstones (signed
 * {@link #TOMBSTONES_PER_BEAT} a tick, then sent round again), {@link #MAX_FLOOD_TICKS} ticks of flooding, and the
 * attacker's message budget.
 */
public final class FloodAttack implements AttackBehaviour {

    /** BFS queries one node sends in a run (each reaches every node). */
    static final int MAX_QUERIES = 2;
    /** A query goes out every this many ticks, until {@link #MAX_QUERIES}. */
    static final int QUERY_EVERY_TICKS = 10;
    /** Tombstones in one flooding heartbeat. */
    static final int TOMBSTONES_PER_BEAT = 32;
    /** Distinct junk tombstones one node signs in a run. */
    static final int MAX_TOMBSTONES = 256;
    /** Requests of one burst to the protocol routes, per tick. */
    static final int BURST = 20;
    /** Ticks a node floods for. */
    static final int MAX_FLOOD_TICKS = 60;

    private final List<Tombstone> signed = new ArrayList<>();
    private int queries;
    private int next;

    @Override
    public String name() {
        return "flood";
    }

    @Override
    public void tick(Attacker attacker) {
        List<PeerAddress> hosts = attacker.honestHosts();
        if (hosts.isEmpty() || attacker.ticks() > MAX_FLOOD_TICKS) {
            return;
        }
        var random = attacker.context().random();
        if (queries < MAX_QUERIES && attacker.ticks() % QUERY_EVERY_TICKS == 1) {
            queries++;
            byte[] query = Wire.query(QueryId.random(random), junkId(attacker), attacker.context().self(), Bfs.CODE,
                SearchQuery.MAX_TTL, 0);
            hosts.forEach(host -> attacker.send(this, host, Retrieval.QUERY_ROUTE, query));
        }
        List<Tombstone> tombstones = new ArrayList<>(TOMBSTONES_PER_BEAT);
        for (int i = 0; i < TOMBSTONES_PER_BEAT; i++) {
            if (signed.size() < MAX_TOMBSTONES) {
                signed.add(Wire.ownJunkTombstone(attacker.context().self().id(), random, attacker.context()::sign));
            }
            tombstones.add(signed.get(next++ % signed.size()));
        }
        attacker.send(this, hosts.get(random.nextInt(hosts.size())), PeerContentGroups.BEAT_ROUTE,
            Wire.beat(Map.of(), tombstones));
        byte[] subscribe = new PayloadWriter(8).u64(-1).toByteArray();
        for (int i = 0; i < BURST; i++) {
            PeerAddress host = hosts.get(random.nextInt(hosts.size()));
            if (i % 2 == 0) {
                attacker.send(this, host, Retrieval.SUBSCRIBE_ROUTE, subscribe);
            } else {
                attacker.send(this, host, PeerContentGroups.FETCH_ROUTE, junkId(attacker).toBytes());
            }
        }
    }

    private static ContentId junkId(Attacker attacker) {
        byte[] id = new byte[ContentId.LENGTH_BYTES];
        attacker.context().random().nextBytes(id);
        return ContentId.fromBytes(id);
    }
}
