package network.butter.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Request ids: consecutive from the start, no in-flight lookups before the counter wraps, no clash after it. */
class RequestIdsTest {

    private static final IntPredicate MUST_NOT_BE_ASKED = id -> {
        throw new AssertionError("asked whether id " + id + " is in flight before the counter wrapped");
    };

    @Test
    void shouldHandOutConsecutiveIdsWithoutAskingWhatIsInFlightBeforeTheWrap() {
        RequestIds ids = new RequestIds(1);

        assertThat(new int[] {ids.next(MUST_NOT_BE_ASKED), ids.next(MUST_NOT_BE_ASKED), ids.next(MUST_NOT_BE_ASKED)})
            .containsExactly(1, 2, 3);
    }

    @Test
    void shouldSkipZeroWhenTheCounterWraps() {
        RequestIds ids = new RequestIds(-1);

        assertThat(ids.next(MUST_NOT_BE_ASKED)).isEqualTo(-1);
        assertThat(ids.next(id -> false)).isEqualTo(1);
    }

    @Test
    void shouldSkipIdsStillInFlightOnceTheCounterHasWrapped() {
        RequestIds ids = new RequestIds(-1);
        Set<Integer> inFlight = Set.of(1, 2, 4);

        ids.next(MUST_NOT_BE_ASKED);

        assertThat(new int[] {ids.next(inFlight::contains), ids.next(inFlight::contains)}).containsExactly(3, 5);
    }
}
