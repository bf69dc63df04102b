package network.butter.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.butter.node.transport.BadConnectionLog.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * However many bad connections arrive, WARN gets one line when trouble starts and one summary per window naming the
 * worst addresses and the kinds; each connection costs one DEBUG line, cut short.
 */
class BadConnectionLogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long WINDOW_MS = 300;

    private EventLoopGroup group;
    private Logger logger;
    private ListAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureTheLog() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        logger = (Logger) LoggerFactory.getLogger(BadConnectionLog.class);
        appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
    }

    @AfterEach
    void restoreTheLog() {
        logger.detachAppender(appender);
        logger.setLevel(null);
        logger.setAdditive(true);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT.toMillis());
    }

    @Test
    void shouldWarnOnceAtTheStartAndSummariseTheWindowByAddressAndKind() throws Exception {
        EventLoop loop = group.next();
        BadConnectionLog badConnections = new BadConnectionLog(loop, WINDOW_MS);
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        InetAddress other = InetAddress.getByName("127.0.0.3");
        String hexDump = "not an SSL/TLS record: " + "00".repeat(4096);

        loop.submit(() -> {
            for (int i = 0; i < 1_000; i++) {
                badConnections.record(attacker, "127.0.0.2:" + (10_000 + i), Kind.TLS_FAILED, hexDump);
            }
            badConnections.record(other, "127.0.0.3:9", Kind.TIMED_OUT, "no HELLO within 5000 ms of connecting");
        }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("the window's summary").atMost(WAIT).until(() -> warnings().size() == 2);

        List<String> warnings = warnings();
        assertThat(warnings.getFirst()).contains("127.0.0.2", "TLS failed", "summed up every 300 ms");
        assertThat(warnings.get(1)).isEqualTo("1001 bad or refused inbound connections in the last 300 ms (1 handshake too slow,"
            + " 1000 TLS failed): 1000 from 127.0.0.2, 1 from 127.0.0.3");
        assertThat(messages(Level.DEBUG)).hasSize(1_001).allSatisfy(line -> assertThat(line).hasSizeLessThan(250));
    }

    @Test
    void shouldNotWarnAboutAFewHandshakesTheirRemoteEndAbandonedButWarnWhenTheyPileUp() throws Exception {
        EventLoop loop = group.next();
        BadConnectionLog badConnections = new BadConnectionLog(loop, WINDOW_MS);
        InetAddress peer = InetAddress.getByName("127.0.0.2");
        int routine = BadConnectionLog.ABANDONED_BEFORE_WARNING - 1;

        loop.submit(() -> {
            for (int i = 0; i < routine; i++) {
                badConnections.record(peer, "127.0.0.2:" + (10_000 + i), Kind.ABANDONED, "ClosedChannelException");
            }
        }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // A task the loop runs after the window's end: the summary, scheduled earlier for that time, ran before it.
        loop.schedule(() -> null, WINDOW_MS + 1, TimeUnit.MILLISECONDS).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(warnings()).as("a peer shutting down while dialling is no trouble").isEmpty();

        loop.submit(() -> {
            for (int i = 0; i <= routine; i++) {
                badConnections.record(peer, "127.0.0.2:" + (20_000 + i), Kind.ABANDONED, "ClosedChannelException");
            }
        }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await("the second window's summary").atMost(WAIT).until(() -> warnings().size() == 2);
        assertThat(warnings().getFirst()).contains("closed by its remote end during the handshake");
        assertThat(warnings().get(1)).startsWith(BadConnectionLog.ABANDONED_BEFORE_WARNING
            + " bad or refused inbound connections");
        assertThat(messages(Level.DEBUG)).hasSize(routine + BadConnectionLog.ABANDONED_BEFORE_WARNING);
    }

    private List<String> warnings() {
        return messages(Level.WARN);
    }

    private List<String> messages(Level level) {
        synchronized (appender) {
            return appender.list.stream().filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
