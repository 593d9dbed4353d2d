package dev.packbert.job;

import java.io.StringWriter;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Collects what PackBERT's own loggers say while it is open. A console appender binds System.err
 * when logging starts (once per JVM, often in an earlier test), so replacing System.err later does
 * not see log lines; an appender on the logger itself does, whatever ran before.
 */
public final class LogCapture implements AutoCloseable {
  private static final String LOGGER = "dev.packbert";
  private final StringWriter out = new StringWriter();
  private final WriterAppender appender;
  private final LoggerConfig config;
  private final boolean added;
  private final Level previousLevel;

  public LogCapture() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration conf = ctx.getConfiguration();
    appender =
        WriterAppender.newBuilder()
            .setName("packbert-test-capture")
            .setTarget(out)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n").build())
            .build();
    appender.start();
    LoggerConfig existing = conf.getLoggerConfig(LOGGER);
    added = !existing.getName().equals(LOGGER);
    previousLevel = existing.getLevel();
    if (added) {
      config = new LoggerConfig(LOGGER, Level.INFO, true);
      conf.addLogger(LOGGER, config);
    } else {
      config = existing;
      config.setLevel(Level.INFO);
    }
    config.addAppender(appender, Level.INFO, null);
    ctx.updateLoggers();
  }

  public List<String> lines() {
    return out.toString().lines().filter(l -> !l.isBlank()).toList();
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    config.removeAppender(appender.getName());
    if (added) {
      ctx.getConfiguration().removeLogger(LOGGER);
    } else {
      config.setLevel(previousLevel);
    }
    ctx.updateLoggers();
    appender.stop();
  }
}
