package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import network.butter.examples.wiki.PageIndex.Admission;
import network.butter.examples.wiki.PageIndex.HistoryEntry.State;
import network.butter.identity.NodeIdentity;
import network.butter.store.ContentId;
import org.junit.jupiter.api.Test;

/** The page index: which records it takes, and which version is current, the same on every node. */
class PageIndexTest {

    private final NodeIdentity ana = NodeIdentity.generate(new SecureRandom());
    private final NodeIdentity bo = NodeIdentity.generate(new SecureRandom());

    @Test
    void shouldPickTheSameCurrentVersionWhateverOrderConcurrentEditsArriveIn() {
        PageRecord first = record(ana, "Home", 1, RecordId.NONE, 100);
        PageRecord anaEdit = record(ana, "Home", 2, first.id(), 200);
        PageRecord boEdit = record(bo, "Home", 2, first.id(), 300);
        PageRecord boSameTime = record(bo, "Home", 2, first.id(), 200);
        List<PageRecord> all = new ArrayList<>(List.of(first, anaEdit, boEdit, boSameTime));
        long seed = new Random().nextLong();
        Random shuffle = new Random(seed);

        for (int round = 0; round < 20; round++) {
            PageIndex index = new PageIndex();
            List<PageRecord> order = new ArrayList<>(all.subList(1, all.size()));
            Collections.shuffle(order, shuffle);
            index.add(first);
            order.forEach(index::add);

            assertThat(index.current("Home")).as("seed %d, order %s", seed, order).contains(boEdit);
            assertThat(index.history("Home")).as("seed %d", seed).extracting(HistoryEntry -> HistoryEntry.state())
                .containsExactly(State.CURRENT, State.CONFLICT, State.CONFLICT, State.EARLIER);
        }
    }

    @Test
    void shouldBreakATieOfVersionAndTimeByTheHigherRecordId() {
        PageRecord first = record(ana, "Home", 1, RecordId.NONE, 100);
        PageRecord a = record(ana, "Home", 2, first.id(), 500);
        PageRecord b = record(bo, "Home", 2, first.id(), 500);
        PageIndex index = new PageIndex();
        index.add(first);
        index.add(a);
        index.add(b);

        assertThat(index.current("Home")).contains(a.id().compareTo(b.id()) > 0 ? a : b);
    }

    @Test
    void shouldPreferAHigherVersionToALaterTime() {
        PageRecord first = record(ana, "Home", 1, RecordId.NONE, 100);
        PageRecord second = record(ana, "Home", 2, first.id(), 200);
        PageRecord third = record(ana, "Home", 3, second.id(), 300);
        PageRecord lateConcurrent = record(bo, "Home", 2, first.id(), 9_000);
        PageIndex index = new PageIndex();
        List.of(first, second, third, lateConcurrent).forEach(index::add);

        assertThat(index.current("Home")).contains(third);
        assertThat(index.history("Home")).filteredOn(e -> e.state() == State.CONFLICT).extracting(e -> e.record()).containsExactly(lateConcurrent);
    }

    @Test
    void shouldRefuseARecordWhoseParentIsUnknownOfAnotherPageOrNotTheVersionBefore() {
        PageRecord home = record(ana, "Home", 1, RecordId.NONE, 100);
        PageRecord other = record(ana, "Other", 1, RecordId.NONE, 100);
        PageIndex index = new PageIndex();

        assertThat(index.add(record(ana, "Home", 2, home.id(), 200))).isEqualTo(Admission.MISSING_PARENT);
        assertThat(index.add(home)).isEqualTo(Admission.ADDED);
        assertThat(index.add(home)).isEqualTo(Admission.KNOWN);
        assertThat(index.add(other)).isEqualTo(Admission.ADDED);
        assertThat(index.add(record(ana, "Home", 2, other.id(), 200))).isEqualTo(Admission.INCONSISTENT);
        assertThat(index.add(record(ana, "Home", 7, home.id(), 200))).isEqualTo(Admission.INCONSISTENT);
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void shouldRefuseRecordsBeyondItsBoundsAndKeepWhatItHas() {
        PageIndex index = new PageIndex(2, 2, 3);
        PageRecord a1 = record(ana, "A", 1, RecordId.NONE, 1);
        PageRecord a2 = record(ana, "A", 2, a1.id(), 2);

        assertThat(index.add(a1)).isEqualTo(Admission.ADDED);
        assertThat(index.add(a2)).isEqualTo(Admission.ADDED);
        assertThat(index.add(record(ana, "A", 3, a2.id(), 3))).as("versions of one page").isEqualTo(Admission.FULL);
        assertThat(index.add(record(ana, "B", 1, RecordId.NONE, 1))).isEqualTo(Admission.ADDED);
        assertThat(index.add(record(ana, "C", 1, RecordId.NONE, 1))).as("pages and records").isEqualTo(Admission.FULL);
        assertThat(index.currentVersions()).extracting(PageRecord::name).containsExactly("A", "B");
    }

    @Test
    void shouldListRecordsInBatchesParentsFirstAndSummariseThemIndependentlyOfOrder() {
        PageRecord a1 = record(ana, "A", 1, RecordId.NONE, 1);
        PageRecord a2 = record(bo, "A", 2, a1.id(), 2);
        PageRecord b1 = record(bo, "B", 1, RecordId.NONE, 1);
        PageIndex one = new PageIndex();
        PageIndex other = new PageIndex();
        List.of(b1, a1, a2).forEach(one::add);
        List.of(a1, a2, b1).forEach(other::add);

        List<PageRecord> firstBatch = one.after(PageIndex.Position.START, 2);
        assertThat(firstBatch).containsExactly(a1, a2);
        assertThat(one.after(PageIndex.Position.of(firstBatch.getLast()), 2)).containsExactly(b1);
        assertThat(one.summary()).isEqualTo(other.summary());
        other.add(record(ana, "C", 1, RecordId.NONE, 1));
        assertThat(one.summary()).isNotEqualTo(other.summary());
    }

    @Test
    void shouldFindPagesByTitleIgnoringCase() {
        PageIndex index = new PageIndex();
        List.of("Butter Wiki", "Recipes", "peanut butter").forEach(name -> index.add(record(ana, name, 1, RecordId.NONE, 1)));

        assertThat(index.search("BUTTER")).extracting(PageRecord::name).containsExactly("Butter Wiki", "peanut butter");
    }

    private static PageRecord record(NodeIdentity author, String name, int version, RecordId parent, long timeMs) {
        ContentId content = ContentId.of((name + version + timeMs + author.peerId()).getBytes(StandardCharsets.UTF_8));
        return PageRecord.sign(author, "someone", name, version, parent, content, timeMs);
    }
}
