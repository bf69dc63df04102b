package network.butter.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Route checks remember valid route strings to skip the scan: only the very same valid string may skip it. */
class RouteTest {

    @Test
    void shouldRefuseAnInvalidRouteWithTheSameHashAsOneFoundValidJustBefore() {
        String valid = "a/";
        String invalid = "b" + (char) (valid.hashCode() - 'b' * 31);
        assertThat(invalid.hashCode()).isEqualTo(valid.hashCode());

        assertThat(Route.problem(valid)).isNull();
        assertThat(Route.problem(valid)).isNull();

        assertThat(Route.problem(invalid)).contains("not allowed in a route");
    }

    @Test
    void shouldAcceptAnEqualRouteInAnotherStringInstance() {
        String route = "ohce/reverse";
        assertThat(Route.problem(route)).isNull();

        assertThat(Route.problem(new String(route.toCharArray()))).isNull();
    }
}
