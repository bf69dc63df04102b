package network.butter.examples.wiki;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The set of page records a wiki node knows, bounded, and the rule that picks each page's current version.
 *
 * <p><b>Who may edit.</b> Anyone: every wiki node accepts every correctly signed record whose parent it knows. Each
 * edit is attributable (signed by its author's key) and nothing is ever overwritten, so the history keeps every
 * version and any of them can be restored by editing from it.
 *
 * <p><b>What a node accepts.</b> A first version (version 1, no parent), or version {@code n + 1} of a record it
 * holds whose version is {@code n}, of the same page. A record whose parent is not known yet is refused as
 * {@link Admission#MISSING_PARENT}: the replication then fetches the page's history, parents first. Bounds: at most
 * {@link #MAX_PAGES} pages, {@link #MAX_VERSIONS_PER_PAGE} versions of one page and {@link #MAX_RECORDS} records in
 * all; beyond them, new records are refused with {@link Admission#FULL}, never silently dropped.
 *
 * <p><b>Concurrent edits.</b> Two authors who edit the same version each make version {@code n + 1}. The current
 * version is the record with the highest version; among equal versions, the later time; among equal times, the
 * higher record id. Every node that holds the same records therefore shows the same current version, whatever
 * order the records reached it in. Versions that are not ancestors of the current one lost a concurrent edit: the
 * history marks them {@link HistoryEntry.State#CONFLICT}; they stay, and restoring one is an ordinary edit.
 *
 * <p>Thread-safe: every method holds the index's lock; only the {@linkplain #onAdded listener} may do I/O.
 */
public final class PageIndex {

    /** Most pages a node keeps. */
    public static final int MAX_PAGES = 10_000;
    /** Most versions of one page. */
    public static final int MAX_VERSIONS_PER_PAGE = 1_000;
    /** Most records in all (at most {@link PageRecord#MAX_RECORD_BYTES} each: about 50 MiB at most). */
    public static final int MAX_RECORDS = 100_000;

    /** Orders records by page, then version, then id: a page's records come together, parents first. */
    public static final Comparator<Position> ORDER = Comparator.comparing(Position::name)
        .thenComparingInt(Position::version).thenComparing(Position::id);

    /** Which version wins: the highest version, then the latest time, then the highest id. */
    private static final Comparator<PageRecord> PRECEDENCE = Comparator.comparingInt(PageRecord::version)
        .thenComparingLong(PageRecord::timeMs).thenComparing(PageRecord::id);

    private final int maxPages;
    private final int maxVersionsPerPage;
    private final int maxRecords;
    private final NavigableMap<Position, PageRecord> records = new TreeMap<>(ORDER);
    private final Map<RecordId, PageRecord> byId = new HashMap<>();
    private final Map<String, Integer> versionsPerPage = new HashMap<>();
    private final byte[] digest = new byte[RecordId.LENGTH_BYTES];
    private Consumer<PageRecord> listener = record -> {
    };

    /** What {@link #add} did with a record. */
    public enum Admission {
        /** New here, and kept. */
        ADDED,
        /** Already here. */
        KNOWN,
        /** Its parent is not here (yet): fetch the page's history first. */
        MISSING_PARENT,
        /** Its parent is another page's record, or not the version before it. */
        INCONSISTENT,
        /** A bound is reached: too many pages, versions of the page, or records. */
        FULL
    }

    /**
     * Where a record sits in the index's order; also the cursor of a pull (records strictly after it).
     *
     * @param name    the page
     * @param version the version
     * @param id      the record's id
     */
    public record Position(String name, int version, RecordId id) {
        /** Before every record. */
        public static final Position START = new Position("", 0, RecordId.NONE);

        /** Where {@code record} sits. */
        public static Position of(PageRecord record) {
            return new Position(record.name(), record.version(), record.id());
        }

        /** Before every record of page {@code name}. */
        public static Position beforePage(String name) {
            return new Position(name, 0, RecordId.NONE);
        }
    }

    /**
     * One version in a page's history.
     *
     * @param record the version
     * @param state  how it stands against the current version
     */
    public record HistoryEntry(PageRecord record, State state) {
        /** How a version stands against the page's current version. */
        public enum State {
            /** The current version. */
            CURRENT,
            /** An ancestor of the current version: it was edited since. */
            EARLIER,
            /** Not an ancestor of the current version: it lost a concurrent edit. */
            CONFLICT
        }
    }

    /** An index with the default bounds. */
    public PageIndex() {
        this(MAX_PAGES, MAX_VERSIONS_PER_PAGE, MAX_RECORDS);
    }

    /** An index with chosen bounds (tests use small ones). */
    public PageIndex(int maxPages, int maxVersionsPerPage, int maxRecords) {
        this.maxPages = maxPages;
        this.maxVersionsPerPage = maxVersionsPerPage;
        this.maxRecords = maxRecords;
    }

    /**
     * Tells {@code listener} of every record admitted from now on, under the index's lock, so in admission order
     * (parents first): how a {@link RecordLog} keeps the records on disk.
     */
    public synchronized void onAdded(Consumer<PageRecord> listener) {
        this.listener = listener;
    }

    /** Adds a record (already verified: every {@link PageRecord} is) if the rules above accept it. */
    public synchronized Admission add(PageRecord record) {
        RecordId id = record.id();
        if (byId.containsKey(id)) {
            return Admission.KNOWN;
        }
        if (record.version() > 1) {
            PageRecord parent = byId.get(record.parent());
            if (parent == null) {
                return Admission.MISSING_PARENT;
            }
            if (!parent.name().equals(record.name()) || parent.version() != record.version() - 1) {
                return Admission.INCONSISTENT;
            }
        }
        int versions = versionsPerPage.getOrDefault(record.name(), 0);
        if (records.size() >= maxRecords || versions >= maxVersionsPerPage || versions == 0 && versionsPerPage.size() >= maxPages) {
            return Admission.FULL;
        }
        records.put(Position.of(record), record);
        byId.put(id, record);
        versionsPerPage.put(record.name(), versions + 1);
        byte[] idBytes = id.toBytes();
        for (int i = 0; i < digest.length; i++) {
            digest[i] ^= idBytes[i];
        }
        listener.accept(record);
        return Admission.ADDED;
    }

    /** The record with this id, if held. */
    public synchronized Optional<PageRecord> get(RecordId id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The current version of page {@code name}, if it has any. */
    public synchronized Optional<PageRecord> current(String name) {
        return pageRecords(name).stream().max(PRECEDENCE);
    }

    /** The current version of every page, by name. */
    public synchronized List<PageRecord> currentVersions() {
        List<PageRecord> current = new ArrayList<>();
        for (String name : new TreeMap<>(versionsPerPage).keySet()) {
            current(name).ifPresent(current::add);
        }
        return current;
    }

    /** The current version of every page whose name contains {@code query}, ignoring case. */
    public synchronized List<PageRecord> search(String query) {
        String wanted = query.strip().toLowerCase(Locale.ROOT);
        return currentVersions().stream().filter(r -> r.name().toLowerCase(Locale.ROOT).contains(wanted)).toList();
    }

    /** Every version of page {@code name}, newest first by the precedence rule, each marked against the current one. */
    public synchronized List<HistoryEntry> history(String name) {
        List<PageRecord> versions = new ArrayList<>(pageRecords(name));
        versions.sort(PRECEDENCE.reversed());
        Set<RecordId> lineage = new HashSet<>();
        for (PageRecord at = versions.isEmpty() ? null : versions.getFirst(); at != null; at = byId.get(at.parent())) {
            lineage.add(at.id());
        }
        List<HistoryEntry> history = new ArrayList<>();
        for (PageRecord record : versions) {
            HistoryEntry.State state = record == versions.getFirst() ? HistoryEntry.State.CURRENT
                : lineage.contains(record.id()) ? HistoryEntry.State.EARLIER : HistoryEntry.State.CONFLICT;
            history.add(new HistoryEntry(record, state));
        }
        return history;
    }

    /** Whether page {@code name} exists. */
    public synchronized boolean exists(String name) {
        return versionsPerPage.containsKey(name);
    }

    /** Up to {@code max} records strictly after {@code after}, in {@link #ORDER}: one batch of a pull. */
    public synchronized List<PageRecord> after(Position after, int max) {
        return records.tailMap(after, false).values().stream().limit(max).toList();
    }

    /** How many records the index holds. */
    public synchronized int size() {
        return records.size();
    }

    /**
     * A summary of the whole set: the count and the XOR of every record id. Two nodes with the same summary hold
     * the same records (but for a deliberate collision, which gains a forger nothing but a missed sync).
     */
    public synchronized Summary summary() {
        return new Summary(records.size(), RecordId.fromBytes(digest));
    }

    /**
     * What {@link #summary()} returns.
     *
     * @param records how many records
     * @param xor     the XOR of their ids
     */
    public record Summary(int records, RecordId xor) {
    }

    private List<PageRecord> pageRecords(String name) {
        return List.copyOf(records.subMap(Position.beforePage(name), true, new Position(name, Integer.MAX_VALUE, RecordId.NONE), true).values());
    }
}
