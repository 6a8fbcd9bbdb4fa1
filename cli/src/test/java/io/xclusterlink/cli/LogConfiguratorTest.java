package io.xclusterlink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
  @Test
  void isFoundAsLogbacksConfiguratorService() {
    assertThat(ServiceLoader.load(Configurator.class)).anyMatch(c -> c instanceof LogConfigurator);
  }

  @Test
  void logsOneLineEachToStderrAtInfoWithNettyQuieter() {
    LoggerContext context = new LoggerContext();
    LogConfigurator c = new LogConfigurator();
    c.setContext(context);
    assertThat(c.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
        .isEqualTo(LogConfigurator.PATTERN);
  }

  @Test
  void stepsAsideForAFileTheUserNames() {
    LoggerContext context = new LoggerContext();
    LogConfigurator c = new LogConfigurator();
    c.setContext(context);
    System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
    try {
      assertThat(c.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    } finally {
      System.clearProperty("logback.configurationFile");
    }
  }
}
