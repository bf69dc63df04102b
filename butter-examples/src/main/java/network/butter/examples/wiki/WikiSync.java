package network.butter.examples.wiki;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import network.butter.api.ButterException;
import network.butter.api.Node;
import network.butter.api.PublicException;
import network.butter.api.Reply;
import network.butter.api.Request;
import network.butter.api.UnknownRouteException;
import network.butter.env.Cancellable;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the page records of the wiki nodes of a network in step, on the public node API only.
 *
 * <ul>
 *   <li><b>Finding wiki nodes.</b> Every {@link Wiki#DEFAULT_SYNC_INTERVAL}, up to {@link #MAX_PROBES} known hosts
 *       not asked yet are asked for their index {@linkplain #SUMMARY summary}; those that answer are wiki nodes (a
 *       plain node answers "unknown route"). At most {@link #MAX_PEERS} are kept.</li>
 *   <li><b>Spreading an edit.</b> A new record is pushed to up to {@link #FAN_OUT} wiki nodes; each node that adds it
 *       for the first time pushes it on the same way. Records are de-duplicated by id, so the spreading stops by
 *       itself. A node that lacks the record's parent fetches that page's history from the sender.</li>
 *   <li><b>Catching up.</b> A wiki node that meets another with a different summary (count and XOR of record ids)
 *       pulls its whole index, in batches of at most {@link #BATCH_RECORDS} records, in index order (parents
 *       first), at most as many batches as the index bounds allow; it does not pull again from a node whose summary
 *       has not changed since. Each round also compares summaries with one random wiki node, which repairs whatever
 *       a lost push missed.</li>
 * </ul>
 *
 * Every record received is decoded, which checks its signature, and admitted by {@link PageIndex}'s rules; a bad
 * one gets its sender a precise error ({@link PublicException}) and changes nothing.
 */
final class WikiSync implements AutoCloseable {

    /** Route of a pushed record; the reply is one byte, the {@link PageIndex.Admission} ordinal. */
    static final String PUSH = "butter/wiki/v1/push";
    /** Route of a pull: {@code name, version u32, id (32)} in, {@code count u16, records (u32 + bytes)…, more u8} out. */
    static final String PULL = "butter/wiki/v1/pull";
    /** Route of the index summary: {@code records u32, xor (32)}. */
    static final String SUMMARY = "butter/wiki/v1/summary";
    /** Wiki nodes an edit is pushed to by each node that adds it. */
    static final int FAN_OUT = 6;
    /** Most wiki nodes a node keeps track of. */
    static final int MAX_PEERS = 64;
    /** Known hosts asked per round whether they run the wiki. */
    static final int MAX_PROBES = 16;
    /** Most records in one pull reply (at most about 66 KB). */
    static final int BATCH_RECORDS = 128;
    /** Most page pulls run at once for records that arrived before their parents. */
    private static final int MAX_PAGE_PULLS = 4;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(WikiSync.class);

    private final Node node;
    private final PageIndex index;
    private final Supplier<List<PeerAddress>> knownHosts;
    private final Random random = new Random();
    private final Map<PeerId, PeerAddress> peers = new LinkedHashMap<>();
    private final Map<PeerId, Boolean> probed = new LinkedHashMap<>();
    private final Map<PeerId, byte[]> pulledAt = new LinkedHashMap<>();
    private final Semaphore pagePulls = new Semaphore(MAX_PAGE_PULLS);
    private Cancellable rounds = Cancellable.NONE;

    WikiSync(Node node, PageIndex index, Supplier<List<PeerAddress>> knownHosts) {
        this.node = node;
        this.index = index;
        this.knownHosts = knownHosts;
        node.handle(PUSH, this::onPush).handle(PULL, this::onPull).handle(SUMMARY, request -> {
            remember(request.from()); // only wiki nodes ask
            return Reply.of(summaryBytes());
        });
    }

    /** Starts the rounds: finding wiki nodes, catching up with them. */
    void start(Duration interval) {
        rounds = node.every(interval, n -> round());
    }

    /** The wiki nodes this node knows now. */
    synchronized List<PeerAddress> peers() {
        return List.copyOf(peers.values());
    }

    /** Pushes a record this node just added to the wiki nodes it knows. */
    void publish(PageRecord record) {
        spread(record, null);
    }

    /** Stops the rounds; the routes keep answering while the node runs. */
    @Override
    public void close() {
        rounds.cancel();
    }

    /** One round: find wiki nodes among the known hosts, then compare summaries with one of them. */
    void round() {
        List<PeerAddress> candidates = new ArrayList<>();
        synchronized (this) {
            for (PeerAddress host : knownHosts.get()) {
                if (candidates.size() < MAX_PROBES && !peers.containsKey(host.id()) && probed.putIfAbsent(host.id(), true) == null) {
                    candidates.add(host);
                }
            }
            if (probed.size() > 4 * MAX_PEERS) {
                probed.clear();
            }
        }
        for (PeerAddress host : candidates) {
            catchUpWith(host);
        }
        List<PeerAddress> known = peers();
        if (!known.isEmpty()) {
            catchUpWith(known.get(random.nextInt(known.size())));
        }
    }

    /** Compares summaries with {@code peer} and pulls its index if they differ; a peer that fails is dropped. */
    private void catchUpWith(PeerAddress peer) {
        try {
            byte[] theirs = call(peer, SUMMARY, new byte[0]);
            remember(peer);
            if (!Arrays.equals(theirs, summaryBytes()) && !Arrays.equals(theirs, pulledAt(peer.id()))) {
                pull(peer, PageIndex.Position.START, null);
                pulled(peer.id(), theirs);
            }
        } catch (UnknownRouteException e) {
            forget(peer.id());
        } catch (ButterException | WireFormatException e) {
            LOG.debug("wiki sync with {} failed: {}", peer, e.getMessage());
            forget(peer.id());
            synchronized (this) {
                probed.remove(peer.id()); // asked again next round while it is a known host
            }
        }
    }

    /** Pulls records after {@code from}, in batches; only page {@code onlyPage}'s when it is not null. */
    private void pull(PeerAddress peer, PageIndex.Position from, String onlyPage) throws WireFormatException {
        PageIndex.Position at = from;
        int maxBatches = PageIndex.MAX_RECORDS / BATCH_RECORDS + 1;
        for (int batch = 0; batch < maxBatches; batch++) {
            byte[] reply = call(peer, PULL, new PayloadWriter(64).text(at.name()).u32(at.version()).raw(at.id().toBytes()).toByteArray());
            PayloadReader in = new PayloadReader(reply, "wiki pull reply");
            int count = in.count(BATCH_RECORDS, 4);
            for (int i = 0; i < count; i++) {
                PageRecord record = PageRecord.decode(in.bytes());
                if (onlyPage != null && !record.name().equals(onlyPage)) {
                    return;
                }
                index.add(record);
                at = PageIndex.Position.of(record);
            }
            boolean more = in.u8() == 1;
            in.end();
            if (!more || count == 0) {
                return;
            }
        }
    }

    private Reply onPush(Request request) {
        PageRecord record;
        try {
            record = PageRecord.decode(request.payload());
        } catch (WireFormatException e) {
            throw new PublicException(e.getMessage(), e);
        }
        remember(request.from());
        PageIndex.Admission admission = index.add(record);
        switch (admission) {
            case ADDED -> spread(record, request.from().id());
            case MISSING_PARENT -> pullPageLater(request.from(), record.name());
            default -> {
            }
        }
        return Reply.of(new byte[] {(byte) admission.ordinal()});
    }

    private Reply onPull(Request request) {
        PageIndex.Position after;
        try {
            PayloadReader in = new PayloadReader(request.payload(), "wiki pull");
            after = new PageIndex.Position(in.text(), (int) Math.min(in.u32(), Integer.MAX_VALUE), RecordId.fromBytes(in.raw(RecordId.LENGTH_BYTES)));
            in.end();
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new PublicException("bad wiki pull: " + e.getMessage(), e);
        }
        List<PageRecord> batch = index.after(after, BATCH_RECORDS + 1);
        List<PageRecord> sent = batch.subList(0, Math.min(batch.size(), BATCH_RECORDS));
        PayloadWriter out = new PayloadWriter(sent.size() * PageRecord.MAX_RECORD_BYTES + 8).u16(sent.size());
        sent.forEach(record -> out.bytes(record.encode()));
        return Reply.of(out.u8(batch.size() > BATCH_RECORDS ? 1 : 0).toByteArray());
    }

    /** Fetches a page's history from {@code peer} in the background, unless enough such fetches run already. */
    private void pullPageLater(PeerAddress peer, String name) {
        if (!pagePulls.tryAcquire()) {
            return; // the next round's summary comparison catches up instead
        }
        Thread.startVirtualThread(() -> {
            try {
                pull(peer, PageIndex.Position.beforePage(name), name);
            } catch (ButterException | WireFormatException e) {
                LOG.debug("fetching page {} from {} failed: {}", name, peer, e.getMessage());
            } finally {
                pagePulls.release();
            }
        });
    }

    /** Pushes to up to {@link #FAN_OUT} random wiki nodes other than {@code except}. */
    private void spread(PageRecord record, PeerId except) {
        List<PeerAddress> targets = new ArrayList<>(peers());
        targets.removeIf(peer -> peer.id().equals(except));
        Collections.shuffle(targets, random);
        byte[] payload = record.encode();
        for (PeerAddress target : targets.subList(0, Math.min(targets.size(), FAN_OUT))) {
            node.request(target, PUSH, payload, REQUEST_TIMEOUT).whenComplete((reply, error) -> {
                if (error != null) {
                    forget(target.id());
                }
            });
        }
    }

    private byte[] call(PeerAddress peer, String route, byte[] payload) {
        try {
            return node.request(peer, route, payload, REQUEST_TIMEOUT).join().payload();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ButterException butter) {
                throw butter;
            }
            throw e;
        }
    }

    private byte[] summaryBytes() {
        PageIndex.Summary summary = index.summary();
        return new PayloadWriter(40).u32(summary.records()).raw(summary.xor().toBytes()).toByteArray();
    }

    /** The summary {@code peer} had when this node last pulled its whole index, if it did. */
    private synchronized byte[] pulledAt(PeerId peer) {
        return pulledAt.get(peer);
    }

    /**
     * Notes that this node pulled all of {@code peer}'s index at {@code summary}: until that changes, pulling again
     * would bring nothing new (records this node refused stay refused), so a peer holding records this node will
     * not take costs one summary a round, not a whole pull.
     */
    private synchronized void pulled(PeerId peer, byte[] summary) {
        pulledAt.remove(peer);
        pulledAt.put(peer, summary);
        if (pulledAt.size() > MAX_PEERS) {
            pulledAt.remove(pulledAt.keySet().iterator().next());
        }
    }

    private synchronized void remember(PeerAddress peer) {
        if (!peer.id().equals(node.id()) && (peers.size() < MAX_PEERS || peers.containsKey(peer.id()))) {
            peers.put(peer.id(), peer);
        }
    }

    private synchronized void forget(PeerId peer) {
        peers.remove(peer);
    }
}
