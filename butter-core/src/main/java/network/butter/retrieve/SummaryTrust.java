package network.butter.retrieve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import network.butter.identity.PeerId;

/**
 * What this node learned of each known host's summary from outcomes: a host whose own summary said it holds a block
 * and that then answered "not held here" was wrong. An honest summary is almost never wrong (a false positive, or a
 * block dropped since the last push), so {@link #MISSES_TO_DISTRUST} misses outnumbering the confirmed holdings make
 * this node ignore that host's summaries for {@link #DISTRUST_MS}; queries then reach the host only as they would
 * reach any host. State is kept for at most {@code maxPeers} peers (the least recently heard forgotten first), and
 * only for current known hosts. On the node loop.
 */
final class SummaryTrust {

    /** Misses (more than the confirmed holdings) after which a host's summaries are ignored. */
    static final int MISSES_TO_DISTRUST = 3;
    /** How long a host's summaries are ignored after they lied, in milliseconds. */
    static final long DISTRUST_MS = 10 * 60_000;

    private final int maxPeers;
    private final Map<PeerId, Record> records = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Record {
        int misses;
        int holdings;
        long distrustedUntilMs;
    }

    SummaryTrust(int maxPeers) {
        this.maxPeers = maxPeers;
    }

    /** Whether {@code peer}'s summaries may steer queries at {@code nowMs}. */
    boolean trusted(PeerId peer, long nowMs) {
        Record record = records.get(peer);
        return record == null || record.distrustedUntilMs <= nowMs;
    }

    /** {@code peer}'s summary said it holds a block, and it did. */
    void held(PeerId peer) {
        record(peer).holdings++;
    }

    /**
     * {@code peer}'s summary said it holds a block, and it did not.
     *
     * @return whether this made {@code peer} distrusted
     */
    boolean missed(PeerId peer, long nowMs) {
        Record record = record(peer);
        record.misses++;
        if (record.misses < MISSES_TO_DISTRUST || record.misses <= record.holdings) {
            return false;
        }
        record.misses = 0;
        record.holdings = 0;
        record.distrustedUntilMs = nowMs + DISTRUST_MS;
        return true;
    }

    /** Forgets every peer but {@code known}. */
    void retain(Set<PeerId> known) {
        records.keySet().retainAll(known);
    }

    private Record record(PeerId peer) {
        Record record = records.get(peer);
        if (record == null) {
            if (records.size() >= maxPeers) {
                records.remove(records.keySet().iterator().next());
            }
            record = new Record();
            records.put(peer, record);
        }
        return record;
    }
}
