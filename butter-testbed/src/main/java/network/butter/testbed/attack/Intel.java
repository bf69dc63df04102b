package network.butter.testbed.attack;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;

/**
 * What the malicious nodes of one run know together (one adversary controls them all): the block ids any of them
 * has seen, the members of each block's group as far as they learnt them, and counters of what they sent and
 * what honest nodes did about it. Bounded: the oldest entries go first. A simulation runs on one thread, so the
 * shared maps need no locking.
 */
public final class Intel {

    /** Most block ids remembered. */
    static final int MAX_BLOCKS = 4_096;
    /** Most members remembered per block. */
    static final int MAX_MEMBERS_PER_BLOCK = 32;

    private final Set<ContentId> blocks = new LinkedHashSet<>();
    private final Map<ContentId, Map<PeerId, PeerAddress>> members = new LinkedHashMap<>();
    private final Set<PeerId> malicious = new LinkedHashSet<>();
    private final Map<String, Long> counters = new TreeMap<>();

    /** Records a block id some malicious node saw. */
    public void learnBlock(ContentId block) {
        if (blocks.remove(block)) {
            blocks.add(block);
            return;
        }
        blocks.add(block);
        if (blocks.size() > MAX_BLOCKS) {
            Iterator<ContentId> oldest = blocks.iterator();
            ContentId evicted = oldest.next();
            oldest.remove();
            members.remove(evicted);
        }
    }

    /** Records peers believed to hold {@code block}, skipping malicious ones. */
    public void learnMembers(ContentId block, List<PeerAddress> holders) {
        learnBlock(block);
        Map<PeerId, PeerAddress> known = members.computeIfAbsent(block, b -> new LinkedHashMap<>());
        for (PeerAddress holder : holders) {
            if (!malicious.contains(holder.id()) && known.size() < MAX_MEMBERS_PER_BLOCK) {
                known.putIfAbsent(holder.id(), holder);
            }
        }
    }

    /** Forgets that {@code holder} holds {@code block} (it dropped its copy). */
    public void forgetMember(ContentId block, PeerId holder) {
        Map<PeerId, PeerAddress> known = members.get(block);
        if (known != null) {
            known.remove(holder);
        }
    }

    /** The block ids known, oldest first. */
    public List<ContentId> blocks() {
        return List.copyOf(blocks);
    }

    /** The honest peers believed to hold {@code block}. */
    public List<PeerAddress> members(ContentId block) {
        Map<PeerId, PeerAddress> known = members.get(block);
        return known == null ? List.of() : new ArrayList<>(known.values());
    }

    /** Marks {@code peer} as one of the attackers, so they never attack each other. */
    public void addMalicious(PeerId peer) {
        malicious.add(peer);
    }

    /** Whether {@code peer} is one of the attackers. */
    public boolean isMalicious(PeerId peer) {
        return malicious.contains(peer);
    }

    /** Adds {@code delta} to the counter {@code name}, e.g. {@code trim.sent}. */
    public void count(String name, long delta) {
        counters.merge(name, delta, Long::sum);
    }

    /** The counter {@code name}, 0 if never counted. */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** Every counter, sorted by name. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }
}
