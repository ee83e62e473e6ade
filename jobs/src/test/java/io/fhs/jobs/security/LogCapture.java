package io.fhs.jobs.security;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged at INFO and above while installed, messages and stack traces, so that a test
 * can assert what never appears in a log. The configured appenders keep their former level.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final LoggerContext context;
    private final Level rootLevel;
    private final Map<String, Appender> others;

    private LogCapture(LoggerContext context) {
        super("capture", null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
        LoggerConfig root = context.getConfiguration().getRootLogger();
        this.rootLevel = root.getLevel();
        this.others = Map.copyOf(root.getAppenders());
    }

    static LogCapture install() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LogCapture capture = new LogCapture(context);
        capture.start();
        LoggerConfig root = context.getConfiguration().getRootLogger();
        // The other appenders keep logging at the level they did before.
        for (Appender other : capture.others.values()) {
            root.removeAppender(other.getName());
            root.addAppender(other, capture.rootLevel, null);
        }
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        text.append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(event.getMessage().getFormattedMessage())
                .append('\n');
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(trace);
        }
    }

    String text() {
        return text.toString();
    }

    @Override
    public void close() {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(getName());
        for (Appender other : others.values()) {
            root.removeAppender(other.getName());
            root.addAppender(other, null, null);
        }
        root.setLevel(rootLevel);
        context.updateLoggers();
        stop();
    }
}
