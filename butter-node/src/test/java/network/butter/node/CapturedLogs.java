package network.butter.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Records what one logger (and its children) logs during a test, so a test can observe events that have no
 * other public effect, such as a connection closing for idleness. Unlike Logback's {@code ListAppender} it is
 * safe to read from the test thread while event loops append. Closing it restores the logger as it was.
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousAdditive;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLogs(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        this.previousAdditive = logger.isAdditive();
    }

    /**
     * Starts recording {@code loggerName} at {@code level} and above.
     *
     * @param quiet whether to keep the recorded lines off the console (for chatty DEBUG captures)
     */
    static CapturedLogs of(String loggerName, Level level, boolean quiet) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        CapturedLogs captured = new CapturedLogs(logger);
        captured.setContext(logger.getLoggerContext());
        captured.start();
        logger.addAppender(captured);
        logger.setLevel(level);
        logger.setAdditive(!quiet);
        return captured;
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** Every formatted message recorded so far. */
    List<String> messages() {
        return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every event recorded so far at {@code level} or above, as "LEVEL logger - message" lines. */
    List<String> atLeast(Level level) {
        return events.stream()
            .filter(event -> event.getLevel().isGreaterOrEqual(level))
            .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage())
            .toList();
    }

    /** How many recorded messages contain every one of {@code parts}. */
    long count(String... parts) {
        return messages().stream().filter(message -> containsAll(message, parts)).count();
    }

    private static boolean containsAll(String message, String... parts) {
        for (String part : parts) {
            if (!message.contains(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
        stop();
    }
}
