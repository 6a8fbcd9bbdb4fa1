package io.xclusterlink.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The logging of every {@code xcl} process, set up in code: logs go to stderr (stdout is for
 * command output), one line each, at {@code -Dxcl.log.level} (default INFO; e.g. {@code
 * XCL_JAVA_OPTS=-Dxcl.log.level=DEBUG}). In code rather than in a {@code logback.xml} because
 * reading XML loads the JDK's XML parser and logback's configuration model: about a fifth of an L3
 * agent's start-up CPU, paid by every node of a VPC at once (docs/network-path.md, "cold start"). A
 * file given with {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} on the class
 * path (tests), still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{0}%replace( [%mdc]){' \\[\\]', ''} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty("xcl.log.level"), Level.INFO));
    root.addAppender(stderr);
    context.getLogger("io.netty").setLevel(Level.WARN);
    // fabric8 warns once per kind that v1alpha1 is unstable; we know
    context.getLogger("io.fabric8.kubernetes.client.utils.VersionUsageUtils").setLevel(Level.ERROR);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
