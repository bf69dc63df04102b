package network.butter.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InformedTest {

    @Test
    void shouldWidenEachRoundToTwiceTheWalkersAndTwiceTheHopsWithinTheirLimits() {
        SearchStrategy first = SearchStrategy.informed(10, 2);

        assertThat(first.nextRound()).isEqualTo(new Informed(20, 4));
        assertThat(first.nextRound().nextRound()).isEqualTo(new Informed(SearchQuery.MAX_TTL, 8));
        assertThat(new Informed(SearchQuery.MAX_TTL, 8).nextRound()).isEqualTo(new Informed(SearchQuery.MAX_TTL, Informed.MAX_WALKERS));
        assertThat(new Informed(SearchQuery.MAX_TTL, Informed.MAX_WALKERS).nextRound()).as("nothing wider").isNull();
    }

    @Test
    void shouldGiveFloodsNoSecondRound() {
        assertThat(SearchStrategy.bfs(3).nextRound()).isNull();
        assertThat(SearchStrategy.randomBfs(3, 0.5).nextRound()).isNull();
    }
}
