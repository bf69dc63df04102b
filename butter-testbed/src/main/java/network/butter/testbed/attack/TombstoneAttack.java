package network.butter.testbed.attack;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.Tombstone;
import network.butter.protocol.LoopHandler;
import network.butter.store.ContentId;

/**
 * Deletes what it does not own with tombstones signed by its own key: it answers every fetch with "gone", showing
 * such a tombstone (every other one naming as successor a junk block it stored, so that a reader following the
 * update gets content the attacker chose); it sends such tombstones for every block it learnt of to the members
 * and to its honest known hosts; and it floods its known hosts with valid tombstones of junk blocks,
 * {@link #JUNK_PER_TICK} a tick and {@link #MAX_JUNK} in all.
 *
 * <p>Since blocks are owned (the id commits to the owner's key and the body's hash), a tombstone for someone
 * else's block can no longer be made valid: the forgery sent here names the victim's block id, the attacker as
 * owner, a made-up body hash and the attacker's real signature over the {@code "butter/pcg/del/2"} bytes — exactly
 * what an honest node must refuse ({@code tombstone.forgedApplied} counts the ones accepted,
 * {@code tombstone.forgedRefused} the refusals). The junk tombstones are
 * valid: they delete blocks the attacker owns ({@code OwnedBlock} with its own key), built without storing them
 * ({@code tombstone.junkApplied}, {@code tombstone.junkRefused}).
 */
public final class TombstoneAttack implements AttackBehaviour {

    /** Learnt blocks whose tombstone one node spreads per tick. */
    static final int BLOCKS_PER_TICK = 16;
    /** Honest known hosts each forged tombstone goes to, besides the members. */
    static final int HOSTS_PER_BLOCK = 8;
    /** Junk tombstones one node sends per tick. */
    static final int JUNK_PER_TICK = 8;
    /** Junk tombstones one node sends in a run. */
    static final int MAX_JUNK = 200;
    /** Signed tombstones kept for reuse. */
    static final int MAX_CACHED = 4_096;
    private static final int JUNK_BYTES = 1_024;

    private final Map<ContentId, Tombstone> signed = new LinkedHashMap<>();
    private final Set<ContentId> spread = new LinkedHashSet<>();
    private ContentId successor;
    private boolean storing;
    private int junkSent;

    @Override
    public String name() {
        return "tombstone";
    }

    @Override
    public void tick(Attacker attacker) {
        storeSuccessor(attacker);
        int spreadNow = 0;
        for (ContentId block : attacker.intel().blocks()) {
            if (spreadNow >= BLOCKS_PER_TICK || !attacker.canSend()) {
                break;
            }
            if (attacker.storage().holds(block) || !spread.add(block)) {
                continue;
            }
            spreadNow++;
            byte[] payload = tombstone(attacker, block).encode();
            Set<PeerAddress> targets = new LinkedHashSet<>(attacker.intel().members(block));
            List<PeerAddress> hosts = attacker.honestHosts();
            targets.addAll(hosts.subList(0, Math.min(HOSTS_PER_BLOCK, hosts.size())));
            targets.forEach(target -> delete(attacker, target, payload, "tombstone.forged"));
        }
        if (spread.size() > MAX_CACHED) {
            spread.remove(spread.iterator().next());
        }
        floodJunk(attacker);
    }

    private void floodJunk(Attacker attacker) {
        List<PeerAddress> hosts = attacker.honestHosts();
        for (int i = 0; i < JUNK_PER_TICK && junkSent < MAX_JUNK && !hosts.isEmpty(); i++) {
            Tombstone junk = Wire.ownJunkTombstone(attacker.context().self().id(), attacker.context().random(),
                attacker.context()::sign);
            junkSent++;
            delete(attacker, hosts.get(attacker.context().random().nextInt(hosts.size())), junk.encode(),
                "tombstone.junk");
        }
    }

    /** Sends a delete and counts the answer as {@code <kind>Applied} or {@code <kind>Refused}. */
    private void delete(Attacker attacker, PeerAddress target, byte[] payload, String kind) {
        attacker.send(this, target, PeerContentGroups.DELETE_ROUTE, payload)
            .ifPresent(reply -> reply.thenAccept(answer -> {
                boolean applied = answer.payload().length == 1 && answer.payload()[0] == 1;
                attacker.intel().count(kind + (applied ? "Applied" : "Refused"), 1);
            }));
    }

    /** Stores one junk block through the honest storage, to name as the successor in forged tombstones. */
    private void storeSuccessor(Attacker attacker) {
        if (successor != null || storing) {
            return;
        }
        storing = true;
        byte[] junk = new byte[JUNK_BYTES];
        attacker.context().random().nextBytes(junk);
        attacker.storage().put(junk).whenComplete((id, error) -> attacker.context().loop().execute(() -> {
            storing = false;
            if (id != null) {
                successor = id;
                attacker.intel().count("tombstone.successorsStored", 1);
            }
        }));
    }

    private Tombstone tombstone(Attacker attacker, ContentId block) {
        Tombstone cached = signed.get(block);
        if (cached != null) {
            return cached;
        }
        ContentId next = successor != null && (signed.size() % 2 == 0) && !successor.equals(block) ? successor : null;
        byte[] madeUpBodyHash = new byte[ContentId.LENGTH_BYTES];
        attacker.context().random().nextBytes(madeUpBodyHash);
        Tombstone forged = Wire.forgedTombstone(block, attacker.context().self().id(), madeUpBodyHash, next,
            attacker.context()::sign);
        signed.put(block, forged);
        if (signed.size() > MAX_CACHED) {
            signed.remove(signed.keySet().iterator().next());
        }
        return forged;
    }

    @Override
    public LoopHandler intercept(String route, LoopHandler honest, Attacker attacker) {
        if (!route.equals(PeerContentGroups.FETCH_ROUTE)) {
            return honest;
        }
        return request -> {
            if (request.payload().length != ContentId.LENGTH_BYTES) {
                return honest.handle(request);
            }
            ContentId block = ContentId.fromBytes(request.payload());
            if (block.equals(successor)) {
                return honest.handle(request);
            }
            attacker.intel().count("tombstone.goneReplies", 1);
            return Reply.of(Wire.gone(tombstone(attacker, block)));
        };
    }

}
