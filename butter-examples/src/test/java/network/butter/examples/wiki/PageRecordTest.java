package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import network.butter.identity.NodeIdentity;
import network.butter.store.ContentId;
import network.butter.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/** Page records: signed by their author, checked on every decode, bounded. */
class PageRecordTest {

    private final NodeIdentity ana = NodeIdentity.generate(new SecureRandom());
    private final NodeIdentity bo = NodeIdentity.generate(new SecureRandom());
    private final ContentId content = ContentId.of("text".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldRoundTripASignedRecordWithTheSameId() throws Exception {
        PageRecord record = PageRecord.sign(ana, "ana ✓", "Home Page", 1, RecordId.NONE, content, 1_700_000_000_000L);

        PageRecord decoded = PageRecord.decode(record.encode());

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.id()).isEqualTo(record.id());
        assertThat(decoded.author()).isEqualTo(ana.peerId());
        assertThat(record.encode().length).isLessThanOrEqualTo(PageRecord.MAX_RECORD_BYTES);
    }

    @Test
    void shouldRefuseARecordWhoseBytesWereChangedAfterSigning() {
        byte[] bytes = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, content, 5).encode();
        for (int i = 1; i < bytes.length; i++) {
            byte[] forged = bytes.clone();
            forged[i] ^= 1;
            assertThatThrownBy(() -> PageRecord.decode(forged)).as("byte %d flipped", i).isInstanceOf(WireFormatException.class);
        }
    }

    @Test
    void shouldRefuseARecordSignedByAnotherKeyThanItsAuthor() {
        PageRecord real = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, content, 5);
        byte[] impostor = PageRecord.sign(bo, "ana", "Home", 1, RecordId.NONE, content, 5).signature();

        assertThatThrownBy(() -> new PageRecord("Home", 1, RecordId.NONE, content, ana.peerId(), 5, "ana", impostor))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature is not");
        assertThat(real.author()).isEqualTo(ana.peerId());
    }

    @Test
    void shouldRefuseOversizedTruncatedAndUnknownFormatRecords() {
        byte[] bytes = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, content, 5).encode();
        byte[] oversized = Arrays.copyOf(bytes, PageRecord.MAX_RECORD_BYTES + 1);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
        byte[] unknownFormat = bytes.clone();
        unknownFormat[0] = 9;

        assertThatThrownBy(() -> PageRecord.decode(oversized)).isInstanceOf(WireFormatException.class).hasMessageContaining("at most 512");
        assertThatThrownBy(() -> PageRecord.decode(truncated)).isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> PageRecord.decode(unknownFormat)).isInstanceOf(WireFormatException.class).hasMessageContaining("format 9");
    }

    @Test
    void shouldRefuseFieldsOutOfBoundsBeforeSigning() {
        assertThatThrownBy(() -> PageRecord.sign(ana, "ana", "x".repeat(PageName.MAX_BYTES + 1), 1, RecordId.NONE, content, 5))
            .hasMessageContaining("page name");
        assertThatThrownBy(() -> PageRecord.sign(ana, "ana", "a [b]", 1, RecordId.NONE, content, 5)).hasMessageContaining("[ ] |");
        assertThatThrownBy(() -> PageRecord.sign(ana, "a".repeat(33), "Home", 1, RecordId.NONE, content, 5)).hasMessageContaining("author name");
        assertThatThrownBy(() -> PageRecord.sign(ana, "ana", "Home", 2, RecordId.NONE, content, 5)).hasMessageContaining("needs a parent");
        RecordId someParent = PageRecord.sign(ana, "ana", "Home", 1, RecordId.NONE, content, 5).id();
        assertThatThrownBy(() -> PageRecord.sign(ana, "ana", "Home", 1, someParent, content, 5)).hasMessageContaining("no parent");
    }
}
