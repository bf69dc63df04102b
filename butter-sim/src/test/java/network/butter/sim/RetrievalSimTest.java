package network.butter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import network.butter.api.Limits;
import network.butter.api.OverloadedException;
import network.butter.api.RemoteHandlerException;
import network.butter.api.Reply;
import network.butter.discover.LanDiscovery;
import network.butter.discover.LanDiscoveryConfig;
import network.butter.hosts.KnownHosts;
import network.butter.hosts.KnownHostsConfig;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.FetchProgress;
import network.butter.persist.GetOptions;
import network.butter.persist.PcgConfig;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import network.butter.retrieve.Candidate;
import network.butter.retrieve.HeldContent;
import network.butter.retrieve.Informed;
import network.butter.retrieve.Neighbourhood;
import network.butter.retrieve.QueryLimits;
import network.butter.retrieve.Retrieval;
import network.butter.retrieve.RetrievalConfig;
import network.butter.retrieve.Search;
import network.butter.retrieve.SearchQuery;
import network.butter.retrieve.SearchStrategy;
import network.butter.store.ContentId;
import network.butter.store.MemoryChunkStore;
import network.butter.wire.PayloadWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retrieval on the simulator: the three strategies, duplicate suppression, summaries, large reads. */
class RetrievalSimTest {

    @RegisterExtension
    final SimulationExtension sims = new SimulationExtension();

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final KnownHostsConfig FEW_HOSTS = KnownHostsConfig
        .forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120).withCapacity(6).withPolling(1_000, 300);
    private static final RetrievalConfig FAST_SUMMARIES = RetrievalConfig.defaults().withSummaries(1 << 12, 500, 5_000);
    /** Misses after which a host's summaries are ignored (as {@code SummaryTrust} says). */
    private static final int LIES_BEFORE_DISTRUST = 3;
    private static final List<String> SEARCH_ROUTES = List.of(Retrieval.QUERY_ROUTE, Retrieval.HIT_ROUTE);

    /**
     * Synthetic content: a set of ids, as an experiment would hand out. A lying node also claims, in its summary,
     * blocks it does not hold, and counts the queries it is asked about them.
     */
    private static final class Held implements HeldContent {
        final Set<ContentId> blocks = new HashSet<>();
        final Set<ContentId> claimed = new HashSet<>();
        long askedAboutClaimed;
        long version;

        void claim(Collection<ContentId> lies) {
            claimed.addAll(lies);
            version++;
        }

        void add(ContentId block) {
            blocks.add(block);
            version++;
        }

        void remove(ContentId block) {
            blocks.remove(block);
            version++;
        }

        @Override
        public boolean holds(ContentId block) {
            if (claimed.contains(block)) {
                askedAboutClaimed++;
            }
            return blocks.contains(block);
        }

        @Override
        public Collection<ContentId> heldBlocks() {
            Set<ContentId> all = new HashSet<>(blocks);
            all.addAll(claimed);
            return List.copyOf(all);
        }

        @Override
        public long version() {
            return version;
        }

        @Override
        public List<PeerAddress> alsoHeldBy(ContentId block) {
            return List.of();
        }
    }

    /** Gives the test a way onto a node's loop, as protocol code runs there. */
    private static final class LoopAccess implements Protocol {
        ProtocolContext context;

        @Override
        public String name() {
            return "test-loop-access";
        }

        @Override
        public void start(ProtocolContext ctx) {
            this.context = ctx;
        }
    }

    /** A node that subscribed to summaries by hand and answers every push as one that does not route by the pusher. */
    private static final class NotRouting implements Protocol {
        ProtocolContext context;
        int pushes;

        @Override
        public String name() {
            return "test-not-routing";
        }

        @Override
        public void start(ProtocolContext ctx) {
            this.context = ctx;
            ctx.handle(Retrieval.SUMMARY_ROUTE, request -> {
                pushes++;
                return Reply.of(new byte[] {0});
            });
        }
    }

    private final Map<SimNode, Held> held = new HashMap<>();
    private final Map<SimNode, LoopAccess> loops = new HashMap<>();
    private final Map<SimNode, Retrieval> retrievals = new HashMap<>();

    /** {@code size} nodes that know {@link #FEW_HOSTS} 6 hosts each, so a search has to travel. */
    private List<SimNode> network(Simulation sim, int size) {
        return network(sim, size, FAST_SUMMARIES);
    }

    /** The same, with other retrieval settings. */
    private List<SimNode> network(Simulation sim, int size, RetrievalConfig config) {
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(sim.spawn(Limits.defaults(), (self, api) -> {
                KnownHosts hosts = new KnownHosts(FEW_HOSTS, () -> 0L);
                Held content = held.computeIfAbsent(self, s -> new Held());
                Retrieval retrieval = new Retrieval(config, content);
                retrievals.put(self, retrieval);
                api.install(hosts);
                api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
                api.install(retrieval);
                LoopAccess access = new LoopAccess();
                loops.put(self, access);
                api.install(access);
            }));
        }
        sim.runFor(Duration.ofSeconds(20));
        return nodes;
    }

    private static long searchRequests(Simulation sim) {
        long total = 0;
        for (SimNode node : sim.nodes()) {
            Map<String, Long> byRoute = node.node().stats().requestsSentByRoute();
            for (String route : SEARCH_ROUTES) {
                total += byRoute.getOrDefault(route, 0L);
            }
        }
        return total;
    }

    private static ContentId block(String name) {
        return ContentId.of(name.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<Candidate> find(Simulation sim, SimNode from, ContentId block, SearchStrategy strategy) {
        Optional<Candidate> found = sim.await(retrievals.get(from).find(block, strategy), LIMIT);
        sim.runFor(Duration.ofSeconds(5)); // let stragglers of a flood arrive before anyone counts
        return found;
    }

    @Test
    void shouldFindABlockWithEveryBuiltInStrategy() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 30);
        ContentId block = block("needle");
        SimNode holder = nodes.get(17);
        held.get(holder).add(block);
        sim.runFor(Duration.ofSeconds(10));

        for (SearchStrategy strategy : List.of(SearchStrategy.bfs(4), SearchStrategy.randomBfs(5, 1.0),
            SearchStrategy.informed(10, 2))) {
            Optional<Candidate> found = find(sim, nodes.get(3), block, strategy);
            assertThat(found).as(strategy.name()).isPresent();
            assertThat(found.get().holder()).as(strategy.name()).isEqualTo(holder.address());
            assertThat(found.get().confirmed()).isTrue();
        }
    }

    @Test
    void shouldHandleEachQueryOnceSoAFloodEndsAndTheHolderAnswersOnce() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 30);
        ContentId block = block("once");
        held.get(nodes.get(9)).add(block);
        long before = searchRequests(sim);

        assertThat(find(sim, nodes.get(0), block, SearchStrategy.bfs(8))).isPresent();
        long hits = 0;
        for (SimNode node : sim.nodes()) {
            hits += node.node().stats().requestsSentByRoute().getOrDefault(Retrieval.HIT_ROUTE, 0L);
        }
        assertThat(hits).as("one holder, one hit, however many paths lead to it").isEqualTo(1);
        assertThat(searchRequests(sim) - before).as("each node forwards at most once to each of its 6 hosts")
            .isLessThanOrEqualTo(30L * 6 + 1);
    }

    @Test
    void shouldFindNothingAndEndTheSearchAfterItsWiderRoundsWhenNobodyHoldsTheBlock() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 20);
        long start = sim.nowMs();

        assertThat(sim.await(retrievals.get(nodes.get(0)).find(block("absent"), SearchStrategy.informed(6, 2)), LIMIT))
            .isEmpty();
        long rounds = 3; // 2, 4 and 8 walkers
        assertThat(sim.nowMs() - start).as("ends at the last round's search timeout")
            .isGreaterThanOrEqualTo(rounds * FAST_SUMMARIES.searchTimeoutMs())
            .isLessThan(rounds * FAST_SUMMARIES.searchTimeoutMs() + 1_000);
    }

    @Test
    void shouldSendTheQueryAgainWithTwiceTheWalkersWhileRoundsFindNobody() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 20);
        SimNode requester = nodes.get(0);
        long before = requestsSent(requester, Retrieval.QUERY_ROUTE);

        assertThat(sim.await(retrievals.get(requester).find(block("absent"), SearchStrategy.informed(1, 1)), LIMIT))
            .isEmpty();
        assertThat(requestsSent(requester, Retrieval.QUERY_ROUTE) - before)
            .as("rounds of 1, 2 and 4 walkers, each a first hop only (TTL 1); the requester knows 6 hosts")
            .isEqualTo(1 + 2 + 4);
    }

    @Test
    void shouldSubscribeToSummariesAsSoonAsAHostIsAdmittedNotAtTheNextRound() {
        Simulation sim = sims.create();
        // Rounds ten minutes apart: a node's first round falls within the 20 s the network forms in only by chance.
        List<SimNode> nodes = network(sim, 12, RetrievalConfig.defaults().withSummaries(1 << 12, 600_000, 600_000));

        for (SimNode node : nodes) {
            assertThat(summariesHeld(sim, node)).as("summaries held by %s", node).isPositive();
        }
    }

    @Test
    void shouldStopPushingToASubscriberThatSaysItDoesNotRouteByThisNode() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 8);
        SimNode holder = nodes.get(0);
        NotRouting stranger = new NotRouting();
        sim.spawn(Limits.defaults(), (self, api) -> api.install(stranger));
        sim.runFor(Duration.ofSeconds(1));
        CompletableFuture<Reply> subscribed = new CompletableFuture<>();
        stranger.context.loop().execute(() -> stranger.context.request(holder.address(), Retrieval.SUBSCRIBE_ROUTE,
                new PayloadWriter(8).u64(-1).toByteArray(), Duration.ofSeconds(2))
            .whenComplete((reply, error) -> subscribed.complete(reply)));
        assertThat(sim.await(subscribed, LIMIT)).as("subscribed").isNotNull();

        held.get(holder).add(block("first change"));
        sim.runFor(Duration.ofMillis(1_200)); // more than two summary intervals (0.5 s)
        held.get(holder).add(block("second change"));
        sim.runFor(Duration.ofMillis(1_200));

        assertThat(stranger.pushes).as("pushes, the first answered 'not subscribed'").isEqualTo(1);
    }

    @Test
    void shouldAnswerAPushFromAHostItDoesNotRouteByWithNotSubscribed() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 8);
        LoopAccess outsider = new LoopAccess();
        sim.spawn(Limits.defaults(), (self, api) -> api.install(outsider));
        sim.runFor(Duration.ofSeconds(1));
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        outsider.context.loop().execute(() -> outsider.context.request(nodes.get(0).address(), Retrieval.SUMMARY_ROUTE,
                new byte[0], Duration.ofSeconds(2))
            .whenComplete((reply, error) -> answer.complete(reply)));

        assertThat(sim.await(answer, LIMIT).payload()).containsExactly(0);
    }

    @Test
    void shouldCountASearchOnceAgainstMaxSearchesWhateverRoundItIsIn() {
        Simulation sim = sims.create();
        RetrievalConfig twoSearches = FAST_SUMMARIES.withMaxSearches(2);
        SimNode requester = network(sim, 12, twoSearches).get(0);
        Retrieval retrieval = retrievals.get(requester);
        List<Search> running = new CopyOnWriteArrayList<>();
        onLoop(sim, requester, () -> {
            running.add(retrieval.search(block("absent 1"), SearchStrategy.informed(2, 1), candidate -> { }));
            running.add(retrieval.search(block("absent 2"), SearchStrategy.informed(2, 1), candidate -> { }));
            running.forEach(Search::widen);
        });
        sim.runFor(Duration.ofMillis(twoSearches.searchTimeoutMs() + 500)); // both in their second round

        onLoop(sim, requester, () -> {
            running.getFirst().close();
            running.add(retrieval.search(block("absent 3"), SearchStrategy.informed(2, 1), candidate -> { }));
        });
        assertThat(running).as("a third search once one of two in their second round ended").hasSize(3);
    }

    private void onLoop(Simulation sim, SimNode node, Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loops.get(node).context.loop().execute(() -> {
            action.run();
            done.complete(null);
        });
        sim.await(done, LIMIT);
    }

    @Test
    void shouldSendNoFurtherRoundOnceARoundFoundAHolder() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 20);
        SimNode requester = nodes.get(0);
        ContentId block = block("everywhere");
        nodes.forEach(node -> held.get(node).add(block));
        long before = requestsSent(requester, Retrieval.QUERY_ROUTE);

        assertThat(find(sim, requester, block, SearchStrategy.informed(1, 1))).isPresent();
        assertThat(requestsSent(requester, Retrieval.QUERY_ROUTE) - before).as("the first round's walker found it")
            .isEqualTo(1);
    }

    @Test
    void shouldSteerInformedSearchesBySummariesWithAFractionOfTheFloodsMessages() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 60);
        List<ContentId> blocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ContentId block = block("item " + i);
            blocks.add(block);
            for (int copy = 0; copy < 3; copy++) {
                held.get(nodes.get((i * 7 + copy * 13) % nodes.size())).add(block);
            }
        }
        sim.runFor(Duration.ofSeconds(15));

        long informedFound = 0;
        long informedCost = 0;
        long floodCost = 0;
        for (int i = 0; i < blocks.size(); i++) {
            SimNode requester = nodes.get(59 - i);
            long before = searchRequests(sim);
            if (find(sim, requester, blocks.get(i), SearchStrategy.informed(10, 2)).isPresent()) {
                informedFound++;
            }
            informedCost += searchRequests(sim) - before;
            before = searchRequests(sim);
            find(sim, requester, blocks.get(i), SearchStrategy.bfs(4));
            floodCost += searchRequests(sim) - before;
        }
        assertThat(informedFound).isEqualTo(blocks.size());
        assertThat(informedCost * 5).as("informed %d vs BFS %d requests", informedCost, floodCost).isLessThan(floodCost);
    }

    @Test
    void shouldRefreshSummariesWhenTheHeldContentChanges() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 12);
        ContentId block = block("comes and goes");
        SimNode holder = nodes.get(4);
        held.get(holder).add(block);
        sim.runFor(Duration.ofSeconds(5));
        SearchStrategy directOnly = SearchStrategy.informed(1, 1);
        long before = searchRequests(sim);

        List<SimNode> knowingHolder = nodes.stream().filter(node -> knows(sim, node, holder)).toList();
        List<Candidate> likely = new ArrayList<>();
        for (SimNode node : knowingHolder) {
            likely.addAll(likelyHolders(sim, node, block, directOnly));
        }
        assertThat(knowingHolder).isNotEmpty();
        assertThat(likely).hasSameSizeAs(knowingHolder)
            .allMatch(c -> c.holder().equals(holder.address()) && !c.confirmed());
        assertThat(searchRequests(sim)).as("likely holders cost no message").isEqualTo(before);

        held.get(holder).remove(block);
        sim.runFor(Duration.ofSeconds(5));
        for (SimNode node : knowingHolder) {
            assertThat(likelyHolders(sim, node, block, directOnly)).as("forgotten after the change").isEmpty();
        }
    }

    @Test
    void shouldPushWhatANodeHoldsAtOnceAndANeighbourhoodChangeAfterTwoIntervalsNotAtTheRenewal() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 12);
        SimNode holder = nodes.get(4);
        List<SimNode> others = nodes.stream().filter(node -> node != holder).toList();
        long holderBefore = requestsSent(holder, Retrieval.SUMMARY_ROUTE);
        // Counted from the change on: a node that has not pushed for two intervals passes a neighbourhood change on
        // at its next tick, so in a quiet network the others may push within the holder's first interval already.
        long othersBefore = others.stream().mapToLong(node -> requestsSent(node, Retrieval.SUMMARY_ROUTE)).sum();
        held.get(holder).add(block("new here"));
        sim.runFor(Duration.ofMillis(600)); // one summary interval (0.5 s)
        assertThat(requestsSent(holder, Retrieval.SUMMARY_ROUTE) - holderBefore).as("the holder's pushes within an interval").isPositive();

        sim.runFor(Duration.ofMillis(1_100)); // two summary intervals and a little, well under one refresh period (5 s)
        assertThat(others.stream().mapToLong(node -> requestsSent(node, Retrieval.SUMMARY_ROUTE)).sum() - othersBefore)
            .as("pushes of nodes whose neighbourhood alone changed, before any renewal").isPositive();
    }

    @Test
    void shouldSubscribeToAtMostMaxSubscriptionsOfItsKnownHostsAndStillFindContent() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 30, FAST_SUMMARIES.withMaxSubscriptions(2));
        ContentId block = block("two sources are enough");
        held.get(nodes.get(3)).add(block);
        sim.runFor(Duration.ofSeconds(12)); // two refresh periods: every renewal and every freed place taken again

        int mostHeld = nodes.stream().mapToInt(node -> summariesHeld(sim, node)).max().orElseThrow();
        assertThat(mostHeld).as("summaries one node holds, of its 6 known hosts").isEqualTo(2);
        assertThat(find(sim, nodes.get(20), block, SearchStrategy.informed(10, 2))).isPresent();
    }

    private int summariesHeld(Simulation sim, SimNode node) {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        loops.get(node).context.loop().execute(() -> count.complete(retrievals.get(node).summariesHeld()));
        return sim.await(count, LIMIT);
    }

    private static long requestsSent(SimNode node, String route) {
        return node.node().stats().requestsSentByRoute().getOrDefault(route, 0L);
    }

    private boolean knows(Simulation sim, SimNode node, SimNode other) {
        CompletableFuture<Boolean> known = new CompletableFuture<>();
        ProtocolContext context = loops.get(node).context;
        context.loop().execute(() -> known.complete(context.protocol(KnownHosts.class).orElseThrow().hosts().stream()
            .anyMatch(host -> host.address().equals(other.address()))));
        return sim.await(known, LIMIT);
    }

    /** The zero-message candidates a search starts with, taken on the node's loop without sending the query. */
    private List<Candidate> likelyHolders(Simulation sim, SimNode node, ContentId block, SearchStrategy strategy) {
        List<Candidate> candidates = new CopyOnWriteArrayList<>();
        onLoop(sim, node, () -> retrievals.get(node).search(block, strategy, candidates::add).close());
        return candidates;
    }

    /** An application's own strategy: a single walker that always takes the first known host it may. */
    private record FirstHostWalk(int ttl, int code) implements SearchStrategy {

        @Override
        public String name() {
            return "first-host";
        }

        @Override
        public int parameter() {
            return 0;
        }

        @Override
        public List<PeerAddress> firstHops(SearchQuery query, Neighbourhood here) {
            return here.knownHosts().subList(0, 1);
        }

        @Override
        public List<PeerAddress> nextHops(SearchQuery query, Neighbourhood here, PeerId from) {
            return here.knownHosts().stream().filter(h -> !h.id().equals(from) && !h.equals(query.requester()))
                .limit(1).toList();
        }
    }

    @Test
    void shouldForwardAnApplicationsOwnStrategyOnEveryNodeThatRegisteredIt() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 5);
        retrievals.values().forEach(retrieval -> retrieval.register(new FirstHostWalk(8, 200)));
        ContentId block = block("custom");
        nodes.forEach(node -> held.get(node).add(block));
        held.get(nodes.get(0)).remove(block);
        long before = searchRequests(sim);

        Optional<Candidate> found = find(sim, nodes.get(0), block, new FirstHostWalk(8, 200));
        assertThat(found).isPresent();
        assertThat(searchRequests(sim) - before).as("one query, one hit").isEqualTo(2);
        assertThatThrownBy(() -> retrievals.get(nodes.get(1)).register(new FirstHostWalk(8, Informed.CODE)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("code 2 is taken by informed");
        assertThatThrownBy(() -> sim.await(retrievals.get(nodes.get(0)).find(block, new FirstHostWalk(8, 201)), LIMIT))
            .hasMessageContaining("not registered");
    }

    @Test
    void shouldRefuseAMalformedQueryAndKeepAnswering() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 6);
        ContentId block = block("still here");
        held.get(nodes.get(1)).add(block);

        assertThatThrownBy(() -> sim.await(nodes.get(0).node().request(nodes.get(1).address(), Retrieval.QUERY_ROUTE,
            new byte[] {1, 2, 3}, Duration.ofSeconds(2)), LIMIT))
            .hasCauseInstanceOf(RemoteHandlerException.class).hasMessageContaining("malformed search query");
        assertThat(find(sim, nodes.get(0), block, SearchStrategy.bfs(3))).isPresent();
    }

    /** Nodes with storage and retrieval: known hosts, summaries as {@code retrieval} says, chunks of 1 KiB. */
    private List<SimNode> storageNetwork(Simulation sim, int size, RetrievalConfig retrieval,
                                         Map<SimNode, PeerContentGroups> storage) {
        PcgConfig config = PcgConfig.defaults().withChunkBytes(1024);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(sim.spawn(Limits.defaults(), (self, api) -> {
                KnownHosts hosts = new KnownHosts(KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
                    .withPolling(1_000, 300), () -> 0L);
                PeerContentGroups groups = new PeerContentGroups(config, new MemoryChunkStore(1 << 20));
                storage.put(self, groups);
                api.install(hosts);
                api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
                api.install(new Retrieval(retrieval, groups));
                api.install(groups);
            }));
        }
        sim.runFor(Duration.ofSeconds(10));
        return nodes;
    }

    @Test
    void shouldAskAroundWhenTheSearchEndsWithoutACopy() {
        Simulation sim = sims.create();
        Map<SimNode, PeerContentGroups> storage = new HashMap<>();
        RetrievalConfig blind = RetrievalConfig.defaults().withSummaries(1 << 12, 60_000, 600_000).withSearchTimeoutMs(1);
        List<SimNode> nodes = storageNetwork(sim, 10, blind, storage);
        ContentId id = sim.await(storage.get(nodes.get(0)).put("found the slow way".getBytes(StandardCharsets.UTF_8)), LIMIT);
        sim.runFor(Duration.ofSeconds(5));
        SimNode reader = nodes.stream().filter(n -> !storage.get(n).holds(id)).findFirst().orElseThrow();

        assertThat(sim.await(storage.get(reader).get(id), LIMIT)).asString(StandardCharsets.UTF_8)
            .isEqualTo("found the slow way");
    }

    @Test
    void shouldReadLargeContentFromSeveralMembersInParallelWithProgressInOrder() {
        Simulation sim = sims.create();
        Map<SimNode, PeerContentGroups> storage = new HashMap<>();
        List<SimNode> nodes = storageNetwork(sim, 10, FAST_SUMMARIES, storage);
        byte[] content = new byte[20 * 1024 + 123];
        new SplittableRandom(sim.seed()).nextBytes(content);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(content), LIMIT);
        sim.runFor(Duration.ofSeconds(10));
        SimNode reader = nodes.stream().filter(n -> !storage.get(n).holds(id)).findFirst().orElseThrow();
        Map<SimNode, Long> fetchesBefore = new HashMap<>();
        nodes.forEach(n -> fetchesBefore.put(n, n.node().stats().requestsReceived()));
        List<FetchProgress> progress = new CopyOnWriteArrayList<>();

        byte[] read = sim.await(storage.get(reader).get(id, GetOptions.defaults().withProgress(progress::add)), LIMIT);
        sim.runUntil(() -> !progress.isEmpty() && progress.getLast().complete(), LIMIT);

        assertThat(read).isEqualTo(content);
        assertThat(progress).hasSize(1 + 21);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i).blocksDone()).isEqualTo(progress.get(i - 1).blocksDone() + 1);
        }
        assertThat(progress.getLast().bytesDone()).isEqualTo(content.length);
        long membersServing = nodes.stream().filter(n -> n != reader && storage.get(n).holds(id))
            .filter(n -> n.node().stats().requestsReceived() - fetchesBefore.get(n) >= 3).count();
        assertThat(membersServing).as("chunks come from several members").isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldRefuseContentAboveTheReadersLimitBeforeFetchingItsChunks() {
        Simulation sim = sims.create();
        Map<SimNode, PeerContentGroups> storage = new HashMap<>();
        List<SimNode> nodes = storageNetwork(sim, 10, FAST_SUMMARIES, storage);
        byte[] content = new byte[20 * 1024];
        new SplittableRandom(sim.seed()).nextBytes(content);
        ContentId id = sim.await(storage.get(nodes.get(0)).put(content), LIMIT);
        sim.runFor(Duration.ofSeconds(10));
        SimNode reader = nodes.stream().filter(n -> !storage.get(n).holds(id)).findFirst().orElseThrow();
        long fetchesBefore = reader.node().stats().requestsSentByRoute().getOrDefault(PeerContentGroups.FETCH_ROUTE, 0L);

        assertThatThrownBy(() -> sim.await(storage.get(reader).get(id, GetOptions.defaults().withMaxContentBytes(10 * 1024)), LIMIT))
            .hasMessageContaining("declares " + content.length + " bytes, more than this reader accepts (10240 bytes)");
        long fetches = reader.node().stats().requestsSentByRoute().getOrDefault(PeerContentGroups.FETCH_ROUTE, 0L) - fetchesBefore;
        assertThat(fetches).as("the manifest only, none of its 20 chunks").isLessThanOrEqualTo(3);
        assertThat(sim.await(storage.get(reader).get(id), LIMIT)).as("within the default limit").isEqualTo(content);
    }

    /** Storage as search sees it, plus blocks it claims in its summary and does not hold. */
    private record Lying(PeerContentGroups storage, Set<ContentId> claimed) implements HeldContent {

        @Override
        public boolean holds(ContentId block) {
            return storage.holds(block);
        }

        @Override
        public Collection<ContentId> heldBlocks() {
            Set<ContentId> all = new HashSet<>(storage.heldBlocks());
            all.addAll(claimed);
            return all;
        }

        @Override
        public long version() {
            return storage.version();
        }

        @Override
        public List<PeerAddress> alsoHeldBy(ContentId block) {
            return storage.alsoHeldBy(block);
        }
    }

    @Test
    void shouldDiscountASummaryThatAReadersFetchesProvedWrong() {
        Simulation sim = sims.create();
        Set<ContentId> phantoms = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            phantoms.add(block("phantom " + i));
        }
        Map<SimNode, PeerContentGroups> storage = new HashMap<>();
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean lies = i == 0;
            nodes.add(sim.spawn(Limits.defaults(), (self, api) -> {
                KnownHosts hosts = new KnownHosts(KnownHostsConfig.forMemoryBudget(Limits.DEFAULT_MEMORY_BUDGET_BYTES, 120)
                    .withPolling(1_000, 300), () -> 0L);
                PeerContentGroups groups = new PeerContentGroups(PcgConfig.defaults().withChunkBytes(1024),
                    new MemoryChunkStore(1 << 20));
                storage.put(self, groups);
                Retrieval retrieval = new Retrieval(FAST_SUMMARIES, lies ? new Lying(groups, phantoms) : groups);
                retrievals.put(self, retrieval);
                LoopAccess access = new LoopAccess();
                loops.put(self, access);
                api.install(hosts);
                api.install(new LanDiscovery(self.multicast(), hosts, LanDiscoveryConfig.defaults()));
                api.install(retrieval);
                api.install(groups);
                api.install(access);
            }));
        }
        sim.runFor(Duration.ofSeconds(15));
        SimNode liar = nodes.get(0);
        SimNode reader = nodes.get(1);
        List<ContentId> reads = List.copyOf(phantoms);
        ContentId last = reads.getLast();
        assertThat(likelyHolders(sim, reader, last, SearchStrategy.informed(10, 2)))
            .as("the lie is believed at first").anyMatch(candidate -> candidate.holder().equals(liar.address()));

        for (ContentId phantom : reads.subList(0, LIES_BEFORE_DISTRUST)) {
            assertThatThrownBy(() -> sim.await(storage.get(reader).get(phantom), LIMIT))
                .hasCauseInstanceOf(StorageException.ContentNotFoundException.class);
        }

        assertThat(likelyHolders(sim, reader, last, SearchStrategy.informed(10, 2)))
            .as("after %d fetches found nothing there", LIES_BEFORE_DISTRUST)
            .noneMatch(candidate -> candidate.holder().equals(liar.address()));
    }

    /** BFS that notes the TTL of every query it is asked to forward on, to see how far floods go. */
    private record TtlSpy(int ttl, List<Integer> forwardedTtls) implements SearchStrategy {

        @Override
        public int code() {
            return 210;
        }

        @Override
        public String name() {
            return "ttl-spy";
        }

        @Override
        public int parameter() {
            return 0;
        }

        @Override
        public List<PeerAddress> firstHops(SearchQuery query, Neighbourhood here) {
            return here.knownHosts();
        }

        @Override
        public List<PeerAddress> nextHops(SearchQuery query, Neighbourhood here, PeerId from) {
            forwardedTtls.add(query.ttl());
            return here.knownHosts().stream()
                .filter(h -> !h.id().equals(from) && !h.id().equals(query.requester().id())).toList();
        }
    }

    @Test
    void shouldNotForwardBfsBeyondTheTtlCap() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 40);
        List<Integer> ttls = new CopyOnWriteArrayList<>();
        retrievals.values().forEach(retrieval -> retrieval.register(new TtlSpy(SearchQuery.MAX_TTL, ttls)));
        int cap = QueryLimits.defaults().maxFloodTtl();

        assertThat(find(sim, nodes.get(0), block("nowhere"), new TtlSpy(SearchQuery.MAX_TTL, ttls))).isEmpty();

        assertThat(ttls).as("the first hops see the requester's TTL; every later hop is within the cap of %d", cap)
            .contains(SearchQuery.MAX_TTL)
            .allMatch(ttl -> ttl == SearchQuery.MAX_TTL || ttl < cap)
            .anyMatch(ttl -> ttl < cap);
    }

    @Test
    void shouldForwardOneQueryToAtMostTheFanOutCap() {
        Simulation sim = sims.create();
        RetrievalConfig narrow = FAST_SUMMARIES.withQueryLimits(QueryLimits.defaults()
            .withFanOut(2));
        List<SimNode> nodes = network(sim, 30, narrow);
        Map<SimNode, Long> before = new HashMap<>();
        nodes.forEach(node -> before.put(node, node.node().stats().requestsSentByRoute()
            .getOrDefault(Retrieval.QUERY_ROUTE, 0L)));

        find(sim, nodes.get(0), block("nowhere"), SearchStrategy.bfs(3));

        for (SimNode node : nodes.subList(1, nodes.size())) {
            long sent = node.node().stats().requestsSentByRoute().getOrDefault(Retrieval.QUERY_ROUTE, 0L) - before.get(node);
            assertThat(sent).as("queries forwarded by %s", node.address().id().shortForm()).isLessThanOrEqualTo(2);
        }
    }

    private static byte[] rawQuery(long id, ContentId block, PeerAddress requester) {
        return new PayloadWriter(128).u64(id).u64(id).raw(block.toBytes()).address(requester)
            .u8(Informed.CODE).u8(1).u16(1).toByteArray();
    }

    @Test
    void shouldRateLimitQueriesFromOnePeer() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 4);
        SimNode attacker = nodes.get(0);
        SimNode target = nodes.get(1);
        QueryLimits limits = QueryLimits.defaults();
        int sent = limits.queryBurst() + 50;
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            answers.add(attacker.node().request(target.address(), Retrieval.QUERY_ROUTE,
                rawQuery(i + 1, block("flood " + i), attacker.address()), Duration.ofSeconds(5)));
        }
        sim.await(CompletableFuture.allOf(answers.stream().map(a -> a.exceptionally(e -> null))
            .toArray(CompletableFuture<?>[]::new)), LIMIT);

        List<Throwable> refusals = new ArrayList<>();
        for (CompletableFuture<?> answer : answers) {
            try {
                answer.join();
            } catch (CompletionException e) {
                refusals.add(e.getCause());
            }
        }
        assertThat(refusals).as("a burst of %d, then refusals", limits.queryBurst()).hasSizeBetween(40, 50)
            .allSatisfy(e -> assertThat(e).isInstanceOf(OverloadedException.class).hasMessageContaining("query budget"));
        assertThat(retrievals.get(target).queriesRefused()).isEqualTo(refusals.size());
        assertThat(sim.await(nodes.get(2).node().request(target.address(), Retrieval.QUERY_ROUTE,
            rawQuery(-1, block("fair"), nodes.get(2).address()), Duration.ofSeconds(5)), LIMIT))
            .as("another peer's budget is its own").isNotNull();

        sim.runFor(Duration.ofSeconds(2));
        assertThat(sim.await(attacker.node().request(target.address(), Retrieval.QUERY_ROUTE,
            rawQuery(-2, block("later"), attacker.address()), Duration.ofSeconds(5)), LIMIT))
            .as("the budget refills with time").isNotNull();
    }

    @Test
    void shouldNotLetQueriesNamingAnotherRequesterSpendThatRequestersOwnBudget() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 4);
        SimNode forger = nodes.get(0);
        SimNode target = nodes.get(1);
        SimNode victim = nodes.get(2);
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (int i = 0; i < QueryLimits.defaults().queryBurst(); i++) {
            answers.add(forger.node().request(target.address(), Retrieval.QUERY_ROUTE,
                rawQuery(i + 1, block("forged " + i), victim.address()), Duration.ofSeconds(5)));
        }
        sim.await(CompletableFuture.allOf(answers.stream().map(a -> a.exceptionally(e -> null))
            .toArray(CompletableFuture<?>[]::new)), LIMIT);

        assertThat(sim.await(victim.node().request(target.address(), Retrieval.QUERY_ROUTE,
            rawQuery(-1, block("my own"), victim.address()), Duration.ofSeconds(5)), LIMIT))
            .as("the victim's own query, asked directly").isNotNull();
        assertThat(retrievals.get(target).queriesRefused()).isZero();
    }

    /** Ten items held by two honest nodes each, and known to the summaries. */
    private List<ContentId> storeItems(Simulation sim, List<SimNode> honest) {
        List<ContentId> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ContentId item = block("item " + i);
            items.add(item);
            held.get(honest.get((i * 7) % honest.size())).add(item);
            held.get(honest.get((i * 7 + 11) % honest.size())).add(item);
        }
        sim.runFor(Duration.ofSeconds(10));
        return items;
    }

    @Test
    void shouldIgnoreAnAllOnesSummary() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 30);
        SimNode liar = nodes.get(5);
        List<ContentId> everything = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            everything.add(block("lie " + i));
        }
        held.get(liar).claim(everything);
        List<SimNode> honest = nodes.stream().filter(n -> n != liar).toList();
        List<ContentId> items = storeItems(sim, honest);
        held.get(liar).claim(items);
        sim.runFor(Duration.ofSeconds(5));

        int found = 0;
        for (int i = 0; i < items.size(); i++) {
            SimNode requester = honest.get(honest.size() - 1 - i);
            assertThat(likelyHolders(sim, requester, items.get(i), SearchStrategy.informed(10, 2)))
                .as("an all-ones summary names no likely holder")
                .noneMatch(candidate -> candidate.holder().equals(liar.address()));
            if (find(sim, requester, items.get(i), SearchStrategy.informed(10, 2)).isPresent()) {
                found++;
            }
        }
        assertThat(found).isEqualTo(items.size());
        assertThat(held.get(liar).askedAboutClaimed).as("queries the liar drew").isLessThanOrEqualTo(items.size());
    }

    @Test
    void shouldDiscountASummaryThatLied() {
        Simulation sim = sims.create();
        List<SimNode> nodes = network(sim, 20);
        SimNode liar = nodes.get(5);
        List<ContentId> lies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lies.add(block("claimed, never held " + i));
        }
        held.get(liar).claim(lies);
        sim.runFor(Duration.ofSeconds(5));
        SimNode forwarder = nodes.stream().filter(n -> n != liar && knows(sim, n, liar)).findFirst().orElseThrow();
        SimNode asker = nodes.stream().filter(n -> n != liar && n != forwarder).findFirst().orElseThrow();

        for (int i = 0; i < lies.size(); i++) {
            byte[] query = new PayloadWriter(128).u64(7).u64(i).raw(lies.get(i).toBytes()).address(asker.address())
                .u8(Informed.CODE).u8(2).u16(1).toByteArray();
            sim.await(asker.node().request(forwarder.address(), Retrieval.QUERY_ROUTE, query, Duration.ofSeconds(5)), LIMIT);
            sim.runFor(Duration.ofMillis(500));
        }

        assertThat(held.get(liar).askedAboutClaimed)
            .as("of %d walkers the liar's summary drew to it, only the first few before it was found out", lies.size())
            .isLessThanOrEqualTo(5);
    }
}
