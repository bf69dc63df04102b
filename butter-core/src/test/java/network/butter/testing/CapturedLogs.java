package network.butter.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Records what one logger logs during a test, with the exceptions attached, so a test can check what the node
 * keeps to itself. Closing it restores the logger as it was.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    private CapturedLogs(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
    }

    /** Starts recording the logger of {@code type} at {@code level} and above. */
    public static CapturedLogs of(Class<?> type, Level level) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        CapturedLogs captured = new CapturedLogs(logger);
        captured.setContext(logger.getLoggerContext());
        captured.start();
        logger.addAppender(captured);
        logger.setLevel(level);
        return captured;
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /**
     * Every recorded event as one line: its formatted message followed by each attached exception's class and
     * message, causes included.
     */
    public List<String> lines() {
        return events.stream().map(CapturedLogs::line).toList();
    }

    /** How many recorded events carry an exception (and so its stack). */
    public long withThrowable() {
        return events.stream().filter(event -> event.getThrowableProxy() != null).count();
    }

    private static String line(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
            line.append(" | ").append(thrown.getClassName()).append(": ").append(thrown.getMessage());
        }
        return line.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(previousLevel);
        stop();
    }
}
