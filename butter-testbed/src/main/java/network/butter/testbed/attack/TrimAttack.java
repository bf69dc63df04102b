package network.butter.testbed.attack;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.protocol.LoopHandler;
import network.butter.store.ContentId;

/**
 * Erases blocks by trimming: for every block the attackers learnt of (groups they were recruited into, ids they
 * were asked for), it sends {@code TRIM(block, live = none)} to every member it knows, claiming to be the group's
 * leader, and finds the members again now and then as the group recruits. It withholds its own copies: fetches of a
 * block it holds are answered "absent". A trim no longer names a replication factor (the format dropped it): the
 * member decides from its own view whether the sender leads, the group is hot and it is among the newest, so a
 * trim from a non-leader should be answered "kept", or "not held" by a node that holds no copy ({@code trim.notHeld});
 * {@code trim.dropped} counts the ones answered "dropped";
 * {@code trim.droppedByLowerRank} those from a member that outranks the attacker, which the leader rule forbids;
 * {@code trim.droppedWhileNotHolding} those while the attacker held no copy of the block). An attacker recruited
 * into a group is a member like any other, holds the copy and answers possession challenges; where it also ranks
 * highest it is the group's real leader, and its trims of a hot group are obeyed.
 */
public final class TrimAttack implements AttackBehaviour {

    /** Blocks one node trims per tick. */
    static final int BLOCKS_PER_TICK = 32;
    /** Every this many ticks, the members of a block are searched for again. */
    static final int RESEARCH_EVERY_TICKS = 5;

    private int cursor;

    @Override
    public String name() {
        return "trim";
    }

    @Override
    public void tick(Attacker attacker) {
        List<ContentId> blocks = attacker.intel().blocks();
        if (blocks.isEmpty()) {
            return;
        }
        if (cursor == 0) {
            cursor = attacker.context().random().nextInt(blocks.size());
        }
        for (int i = 0; i < Math.min(BLOCKS_PER_TICK, blocks.size()); i++) {
            ContentId block = blocks.get(cursor++ % blocks.size());
            List<PeerAddress> members = attacker.intel().members(block);
            if (members.isEmpty() || attacker.ticks() % RESEARCH_EVERY_TICKS == 0) {
                attacker.findMembers(block);
            }
            for (PeerAddress member : members) {
                trim(attacker, block, member);
            }
        }
    }

    private void trim(Attacker attacker, ContentId block, PeerAddress member) {
        attacker.send(this, member, PeerContentGroups.TRIM_ROUTE, Wire.trim(block, List.of()))
            .ifPresent(reply -> reply.thenAccept(answer -> {
                if (answer.payload().length == 1 && answer.payload()[0] == 1) {
                    attacker.intel().count("trim.dropped", 1);
                    if (Rank.outranks(block, member.id(), attacker.context().self().id())) {
                        attacker.intel().count("trim.droppedByLowerRank", 1);
                    }
                    if (!attacker.storage().holds(block)) {
                        attacker.intel().count("trim.droppedWhileNotHolding", 1);
                    }
                    attacker.intel().forgetMember(block, member.id());
                } else if (answer.payload().length == 1 && answer.payload()[0] == 2) {
                    attacker.intel().count("trim.notHeld", 1);
                    attacker.intel().forgetMember(block, member.id());
                } else {
                    attacker.intel().count("trim.kept", 1);
                }
            }));
    }

    @Override
    public LoopHandler intercept(String route, LoopHandler honest, Attacker attacker) {
        if (!route.equals(PeerContentGroups.FETCH_ROUTE)) {
            return honest;
        }
        return request -> {
            if (request.payload().length == ContentId.LENGTH_BYTES
                && attacker.storage().holds(ContentId.fromBytes(request.payload()))) {
                attacker.intel().count("trim.withheld", 1);
                return network.butter.api.Reply.of(Wire.absent());
            }
            return honest.handle(request);
        };
    }
}
