package network.butter.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ItemKeyTest {

    @Test
    void shouldBeTheSha256OfTheContent() {
        ItemKey key = ItemKey.of("abc".getBytes(StandardCharsets.UTF_8));

        assertThat(key.hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(key.matches("abc".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(key.matches("abd".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void shouldSurviveTheTripAsText() {
        ItemKey key = ItemKey.of(new byte[] {1, 2, 3});

        assertThat(ItemKey.fromBytes(key.toBytes())).isEqualTo(key);
    }

    @Test
    void shouldRejectTextThatIsNotAKey() {
        assertThatThrownBy(() -> ItemKey.fromBytes("nope".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("64 lower-case hex digits");
    }
}
