package network.butter.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import network.butter.testing.DecoderContract;

/**
 * Fuzzes what a reader decodes from fetched blocks: a manifest (any peer may serve bytes that look like one), and
 * content ids in their byte and text forms. Runs the checked-in corpus in every build; {@code scripts/fuzz.sh}
 * fuzzes them for real.
 */
class ManifestFuzzTest {

    @FuzzTest
    void shouldDecodeAnyBytesToAManifestOrARefusal(byte[] bytes) {
        Manifest manifest = DecoderContract.decode(bytes, Manifest::decode);
        if (manifest != null) {
            assertThat(manifest.encode()).as("a manifest has one encoding").isEqualTo(bytes);
            assertThat(Manifest.looksLikeManifest(bytes)).isTrue();
        }
    }

    @FuzzTest
    void shouldReadAnyBytesOrTextAsAContentIdOrRefuseThem(byte[] bytes) {
        ContentId fromBytes = DecoderContract.parse(bytes, bytes.length, ContentId::fromBytes);
        if (fromBytes != null) {
            assertThat(fromBytes.toBytes()).isEqualTo(bytes);
            assertThat(ContentId.parse(fromBytes.toString())).isEqualTo(fromBytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        ContentId parsed = DecoderContract.parse(text, bytes.length, ContentId::parse);
        if (parsed != null) {
            assertThat(parsed.toString()).as("a content id has one text form").isEqualTo(text);
        }
    }
}
