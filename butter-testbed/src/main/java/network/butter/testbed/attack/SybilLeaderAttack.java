package network.butter.testbed.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.persist.OwnerStamp;
import network.butter.persist.PeerContentGroups;
import network.butter.protocol.LoopHandler;
import network.butter.store.ContentId;

/**
 * Tries to win leadership by choosing its id: the node runs under an id ground to be higher than the honest ones
 * ({@link SybilIds}), claims membership of every group it learns of (a store with the block's stamp and data, then
 * heartbeats naming the group), hoping the members count it live, take it for their leader and stop repairing. It
 * never recruits, and it trims the honest members with {@code TRIM(block, live = itself)}. Its own heartbeat answers
 * keep claiming every group it joined. When recruited, it answers "stored" but keeps only the claim (stamp, data,
 * members), never a copy its honest storage would serve or repair; its honest storage then answers the recruiter's
 * proof challenge ({@code butter/pcg/prove}) with nothing, so its "stored" never counts toward a put's quorum.
 *
 * <p>What the owned-block storage leaves possible, and what it does not: a store must carry a stamp valid for the
 * data, so the attacker can only claim blocks it fetched (stamp and data from a FOUND fetch reply) or was sent; a
 * heartbeat claim from a non-member is checked by fetching the block from the claimant, which this attacker answers
 * from its honest storage (it holds no copy), so such claims fail; its beats carry no possession proof, so after
 * three unanswered challenges a member stops counting it; and the leader is the member of highest rank
 * {@code SHA-256(block id | peer id)}, so a ground id no longer leads every group. The attack still sends every one
 * of these messages; the counters show what they achieve ({@code sybil-leader.trimmedWhereClaimed}: honest
 * members that left on its trim in a group it only claimed; {@code sybil-leader.trimmedWhereRecruited}: in a group
 * an honest leader recruited it into, where it is a member like any other and may lead by rank;
 * {@code sybil-leader.trimmedByLowerRank}: members that left although they outrank it, which the leader rule
 * forbids).
 */
public final class SybilLeaderAttack implements AttackBehaviour {

    /** Groups one node works on per tick. */
    static final int BLOCKS_PER_TICK = 16;
    /** Groups one node claims at most. */
    static final int MAX_CLAIMS = 256;

    /** A group claimed: the owner's stamp and data (to show in stores) and the honest members known. */
    private record Claim(OwnerStamp stamp, byte[] data, boolean recruited) {
    }

    private final Map<ContentId, Claim> claims = new LinkedHashMap<>();
    private int cursor;

    @Override
    public String name() {
        return "sybil-leader";
    }

    @Override
    public void tick(Attacker attacker) {
        List<ContentId> blocks = attacker.intel().blocks();
        for (int i = 0; i < Math.min(BLOCKS_PER_TICK, blocks.size()); i++) {
            ContentId block = blocks.get(cursor++ % blocks.size());
            List<PeerAddress> members = attacker.intel().members(block);
            if (members.isEmpty()) {
                attacker.findMembers(block);
                continue;
            }
            Claim claim = claims.get(block);
            if (claim == null) {
                learnClaim(attacker, block, members.getFirst());
                continue;
            }
            List<PeerAddress> group = new ArrayList<>();
            group.add(attacker.context().self());
            group.addAll(members);
            byte[] store = Wire.store(claim.stamp(), 1, group, claim.data());
            byte[] beat = Wire.beat(Map.of(block, group), List.of());
            byte[] trim = Wire.trim(block, List.of(attacker.context().self()));
            for (PeerAddress member : members) {
                attacker.send(this, member, PeerContentGroups.STORE_ROUTE, store);
                attacker.send(this, member, PeerContentGroups.BEAT_ROUTE, beat);
                attacker.send(this, member, PeerContentGroups.TRIM_ROUTE, trim).ifPresent(reply -> reply.thenAccept(answer -> {
                    if (answer.payload().length == 1 && answer.payload()[0] == 1) {
                        attacker.intel().count("sybil-leader.trimmed", 1);
                        attacker.intel().count(claim.recruited() ? "sybil-leader.trimmedWhereRecruited"
                            : "sybil-leader.trimmedWhereClaimed", 1);
                        if (Rank.outranks(block, member.id(), attacker.context().self().id())) {
                            attacker.intel().count("sybil-leader.trimmedByLowerRank", 1);
                        }
                        attacker.intel().forgetMember(block, member.id());
                    }
                }));
            }
        }
    }

    /** Fetches the block once, for the stamp and data a store claim must show, and the holder's group. */
    private void learnClaim(Attacker attacker, ContentId block, PeerAddress holder) {
        attacker.fetch(this, holder, block).thenAccept(answer -> answer.ifPresent(found -> {
            if (found.status() == Wire.FOUND && claims.size() < MAX_CLAIMS && block.matches(found.data())) {
                claims.put(block, new Claim(found.stamp(), found.data(), false));
                List<PeerAddress> holders = new ArrayList<>(found.peers());
                holders.add(holder);
                attacker.intel().learnMembers(block, holders);
            } else if (found.status() != Wire.FOUND) {
                attacker.intel().forgetMember(block, holder.id());
            }
        }));
    }

    @Override
    public LoopHandler intercept(String route, LoopHandler honest, Attacker attacker) {
        if (route.equals(PeerContentGroups.STORE_ROUTE)) {
            return request -> {
                Wire.StoreOffer offer = Wire.storeOffer(request.payload());
                ContentId block = offer.stamp().block();
                if (claims.size() < MAX_CLAIMS && block.matches(offer.data())) {
                    claims.putIfAbsent(block, new Claim(offer.stamp(), offer.data(), true));
                    List<PeerAddress> holders = new ArrayList<>(offer.members());
                    holders.add(request.from());
                    attacker.intel().learnMembers(block, holders);
                    attacker.intel().count("sybil-leader.recruited", 1);
                }
                return Reply.of(Wire.stored());
            };
        }
        if (!route.equals(PeerContentGroups.BEAT_ROUTE)) {
            return honest;
        }
        return request -> {
            honest.handle(request);
            Map<ContentId, List<PeerAddress>> held = new LinkedHashMap<>();
            claims.keySet().forEach(block -> {
                List<PeerAddress> group = new ArrayList<>();
                group.add(attacker.context().self());
                group.addAll(attacker.intel().members(block));
                if (group.stream().anyMatch(member -> member.id().equals(request.from().id()))) {
                    held.put(block, group);
                }
            });
            for (ContentId block : attacker.heldBlocks()) {
                List<PeerAddress> group = new ArrayList<>();
                group.add(attacker.context().self());
                group.addAll(attacker.storage().alsoHeldBy(block));
                if (group.stream().anyMatch(member -> member.id().equals(request.from().id()))) {
                    held.putIfAbsent(block, group);
                }
            }
            return Reply.of(Wire.beat(held, List.of()));
        };
    }
}
