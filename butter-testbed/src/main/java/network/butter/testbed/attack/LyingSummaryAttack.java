package network.butter.testbed.attack;

import java.util.Collection;
import java.util.List;
import network.butter.api.Reply;
import network.butter.identity.PeerAddress;
import network.butter.persist.PeerContentGroups;
import network.butter.protocol.LoopHandler;
import network.butter.retrieve.HeldContent;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.store.ContentId;

/**
 * Draws searches into a dead end: its summaries have every bit set (pushed to its known hosts and given to every
 * subscriber), so informed search sends it every query; its search layer claims to hold every block, so it answers
 * every query with a hit and forwards none; and it answers every fetch "absent", naming nobody.
 */
public final class LyingSummaryAttack implements AttackBehaviour {

    /** Every this many ticks, the all-ones summary is pushed again. */
    static final int PUSH_EVERY_TICKS = 5;
    /** Hosts one push goes to. */
    static final int HOSTS_PER_PUSH = 64;

    private final int summaryBits = RetrievalConfig.defaults().summaryBits();
    private long version = Long.MAX_VALUE / 2;

    @Override
    public String name() {
        return "lying-summary";
    }

    @Override
    public void tick(Attacker attacker) {
        if (attacker.ticks() % PUSH_EVERY_TICKS != 1) {
            return;
        }
        byte[] summary = Wire.allOnesSummary(++version, summaryBits);
        List<PeerAddress> hosts = attacker.honestHosts();
        hosts.subList(0, Math.min(HOSTS_PER_PUSH, hosts.size()))
            .forEach(host -> attacker.send(this, host, Retrieval.SUMMARY_ROUTE, summary));
    }

    @Override
    public LoopHandler intercept(String route, LoopHandler honest, Attacker attacker) {
        if (route.equals(Retrieval.SUBSCRIBE_ROUTE)) {
            return request -> {
                attacker.intel().count("lying-summary.subscribers", 1);
                byte[] summary = Wire.allOnesSummary(++version, summaryBits);
                byte[] reply = new byte[1 + summary.length];
                reply[0] = 1;
                System.arraycopy(summary, 0, reply, 1, summary.length);
                return Reply.of(reply);
            };
        }
        if (route.equals(PeerContentGroups.FETCH_ROUTE)) {
            return request -> {
                attacker.intel().count("lying-summary.emptyFetches", 1);
                return Reply.of(Wire.absent());
            };
        }
        if (route.equals(Retrieval.QUERY_ROUTE)) {
            return request -> {
                attacker.intel().count("lying-summary.queriesSwallowed", 1);
                return honest.handle(request);
            };
        }
        return honest;
    }

    @Override
    public HeldContent heldContent(HeldContent honest) {
        return new HeldContent() {
            @Override
            public boolean holds(ContentId block) {
                return true;
            }

            @Override
            public Collection<ContentId> heldBlocks() {
                return honest.heldBlocks();
            }

            @Override
            public long version() {
                return honest.version();
            }

            @Override
            public List<PeerAddress> alsoHeldBy(ContentId block) {
                return List.of();
            }
        };
    }
}
