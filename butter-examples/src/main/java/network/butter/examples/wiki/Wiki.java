package network.butter.examples.wiki;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import network.butter.api.Node;
import network.butter.identity.PeerAddress;
import network.butter.persist.Storage;
import network.butter.store.ContentId;

/**
 * A wiki over Butter, built only on the public node API: page texts live in Butter's storage, so they outlive the
 * node that wrote them, and a page name leads to its versions through signed {@link PageRecord}s that every wiki
 * node keeps ({@link PageIndex}: who may edit and how concurrent edits resolve) and replicates ({@link WikiSync}).
 *
 * <p><b>Why the records are replicated among wiki nodes rather than kept in storage.</b> Storage finds content by
 * its id, the hash of its bytes, and only the node that put content may update it. A page name therefore cannot lead
 * to anything in storage that many authors may move forward, and "every page" or "titles containing x" cannot be
 * asked of it at all. The records are small (at most {@value PageRecord#MAX_RECORD_BYTES} bytes), so every wiki
 * node keeps them all, bounded by {@link PageIndex}; the texts, which are large, stay in storage, each read verified
 * against the content id its signed record names.
 *
 * <pre>{@code
 * Wiki wiki = Wiki.serve(node, node::storage, hosts, WikiAuthor.ephemeral("ana"));  // before node.start()
 * node.start();
 * wiki.join();
 * PageRecord home = wiki.save("Home", "Welcome! See [[Rules]].", RecordId.NONE);
 * String text = wiki.text(home);
 * }</pre>
 */
public final class Wiki implements AutoCloseable {

    /** How often a wiki node looks for other wiki nodes and compares its records with one of them. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(5);
    /** How long reading or saving a text may take before the wiki reports the network as too slow. */
    public static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(30);
    /** Texts kept in memory (each at most {@value PageContent#MAX_TEXT_BYTES} bytes: 16 MiB at most). */
    public static final int CACHED_TEXTS = 256;

    private final Supplier<Storage> storage;
    private final WikiAuthor author;
    private final InstantSource clock;
    private final PageIndex index = new PageIndex();
    private final WikiSync sync;
    private final RecordLog log;
    private final Random random = new Random();
    private final Map<ContentId, String> texts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ContentId, String> eldest) {
            return size() > CACHED_TEXTS;
        }
    };

    private Wiki(Node node, Supplier<Storage> storage, Supplier<List<PeerAddress>> knownHosts, WikiAuthor author, InstantSource clock,
                 Path recordFile) {
        this.log = recordFile == null ? null : RecordLog.open(recordFile, index);
        if (log != null) {
            index.onAdded(log::append);
        }
        this.storage = storage;
        this.author = author;
        this.clock = clock;
        this.sync = new WikiSync(node, index, knownHosts);
    }

    /**
     * Serves the wiki's routes on {@code node} (before or after it starts); call {@link #join()} once it runs.
     *
     * @param node       the node to replicate records through
     * @param storage    the node's storage (asked for when a text is read or saved, so after the node started)
     * @param knownHosts where to look for other wiki nodes: normally the node's known hosts
     * @param author     who signs this node's edits
     */
    public static Wiki serve(Node node, Supplier<Storage> storage, Supplier<List<PeerAddress>> knownHosts, WikiAuthor author) {
        return serve(node, storage, knownHosts, author, null);
    }

    /**
     * {@link #serve(Node, Supplier, Supplier, WikiAuthor)}, keeping the records in {@code recordFile} (a
     * {@link RecordLog}): read back now, appended to as records arrive, so a restarted node knows every page at once.
     *
     * @param recordFile where to keep the records; null keeps them in memory only
     * @throws java.io.UncheckedIOException if the file cannot be read or written
     */
    public static Wiki serve(Node node, Supplier<Storage> storage, Supplier<List<PeerAddress>> knownHosts, WikiAuthor author,
                             Path recordFile) {
        return new Wiki(Objects.requireNonNull(node), Objects.requireNonNull(storage), Objects.requireNonNull(knownHosts),
            Objects.requireNonNull(author), InstantSource.system(), recordFile);
    }

    /** Starts finding other wiki nodes and catching up with them, every {@link #DEFAULT_SYNC_INTERVAL}. */
    public void join() {
        join(DEFAULT_SYNC_INTERVAL);
    }

    /** {@link #join()} with another interval (tests use short ones). */
    public void join(Duration syncInterval) {
        sync.start(syncInterval);
    }

    /** Who signs this node's edits. */
    public WikiAuthor author() {
        return author;
    }

    /** The current version of every page, by name. */
    public List<PageRecord> pages() {
        return index.currentVersions();
    }

    /** The current version of every page whose name contains {@code query}, ignoring case. */
    public List<PageRecord> search(String query) {
        return index.search(query);
    }

    /** The current version of page {@code name}, if the page exists. */
    public Optional<PageRecord> current(String name) {
        return index.current(name);
    }

    /** Whether page {@code name} exists. */
    public boolean exists(String name) {
        return index.exists(name);
    }

    /** Every version of page {@code name}, newest first, each marked current, earlier or conflict. */
    public List<PageIndex.HistoryEntry> history(String name) {
        return index.history(name);
    }

    /** The version with this id, if this node holds it. */
    public Optional<PageRecord> version(RecordId id) {
        return index.get(id);
    }

    /** How many records this node holds. */
    public int records() {
        return index.size();
    }

    /** The wiki nodes this node knows now. */
    public List<PeerAddress> peers() {
        return sync.peers();
    }

    /**
     * The text of a version, read from Butter's storage (or a small cache) and checked against its record.
     *
     * @throws WikiException if the network cannot give it now, or what it gives is not this page's text
     */
    public String text(PageRecord version) {
        synchronized (texts) {
            String cached = texts.get(version.content());
            if (cached != null) {
                return cached;
            }
        }
        byte[] stored = await(storage.get().get(version.content()), "read " + version.name() + " v" + version.version());
        String text;
        try {
            text = PageContent.decode(version.name(), stored);
        } catch (IllegalArgumentException e) {
            throw new WikiException("version " + version.version() + " of " + version.name() + " is damaged: " + e.getMessage(), e);
        }
        synchronized (texts) {
            texts.put(version.content(), text);
        }
        return text;
    }

    /**
     * Saves a new version of page {@code name}: stores the text, signs a record that edits {@code parent}
     * ({@link RecordId#NONE} to create the page) and sends it to the other wiki nodes.
     *
     * @param name   the page (normalised here, see {@link PageName})
     * @param text   the whole new text
     * @param parent the version the author edited; it need not be the current one (see {@link PageIndex} for how
     *               concurrent edits resolve)
     * @return the new version
     * @throws IllegalArgumentException if the name or text is not acceptable, the parent is unknown or of another
     *                                  page, or the page already exists and {@code parent} is {@link RecordId#NONE}
     * @throws WikiException            if the network cannot store the text now, or the wiki is full
     */
    public PageRecord save(String name, String text, RecordId parent) {
        String page = PageName.normalise(name);
        PageName.check(page);
        PageContent.checkText(text);
        int version = 1;
        if (!parent.isNone()) {
            PageRecord edited = index.get(parent).orElseThrow(() -> new IllegalArgumentException("unknown version " + parent.shortForm()));
            if (!edited.name().equals(page)) {
                throw new IllegalArgumentException("version " + parent.shortForm() + " is of page " + edited.name() + ", not " + page);
            }
            version = edited.version() + 1;
        } else if (index.exists(page)) {
            throw new IllegalArgumentException("page " + page + " exists already: edit it instead");
        }
        byte[] content;
        synchronized (random) {
            content = PageContent.encode(page, text, random);
        }
        ContentId id = await(storage.get().put(content), "store " + page);
        PageRecord record = PageRecord.sign(author.key(), author.name(), page, version, parent, id, clock.millis());
        PageIndex.Admission admission = index.add(record);
        if (admission != PageIndex.Admission.ADDED) {
            throw new WikiException("this node cannot keep another version of " + page + ": " + admission);
        }
        synchronized (texts) {
            texts.put(id, text);
        }
        sync.publish(record);
        return record;
    }

    /** Stops looking for wiki nodes and closes the record file; the node and its routes stay up. */
    @Override
    public void close() {
        sync.close();
        if (log != null) {
            log.close();
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(STORAGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new WikiException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new WikiException("could not " + what + " within " + STORAGE_TIMEOUT.toSeconds() + " s: the network is too slow or too small", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WikiException("interrupted while trying to " + what, e);
        }
    }
}
