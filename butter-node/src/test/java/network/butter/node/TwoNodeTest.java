package network.butter.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import network.butter.api.Reply;
import network.butter.api.UnknownRouteException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwoNodeTest {

    private ButterNode alice;
    private ButterNode bob;

    @BeforeEach
    void start() {
        alice = Butter.node(cfg -> cfg.host("127.0.0.1")).start();
        bob = Butter.node(cfg -> cfg.host("127.0.0.1"))
            .handle("ohce/reverse", req -> Reply.text(new StringBuilder(req.text()).reverse().toString()))
            .start();
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
    }

    @Test
    void shouldReverseTextBetweenTwoRealNodes() {
        Reply reply = alice.requestBlocking(bob.address(), "ohce/reverse", "hello butter");
        assertThat(reply.text()).isEqualTo("rettub olleh");
    }

    @Test
    void shouldRunPlainCallbacksOnVirtualThreadsNotOnTheEventLoop() {
        Thread callbackThread = alice.request(bob.address(), "ohce/reverse", "abc")
            .thenApply(reply -> Thread.currentThread())
            .join();
        assertThat(callbackThread.isVirtual()).isTrue();
        assertThat(callbackThread.getName()).doesNotStartWith("butter-loop");
    }

    @Test
    void shouldReportUnknownRoute() {
        assertThatThrownBy(() -> alice.requestBlocking(bob.address(), "no/such/route", "x"))
            .isInstanceOf(UnknownRouteException.class)
            .hasMessageContaining("no/such/route");
    }
}
