package io.xclusterlink.gateway.ingress;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One line when a limit is hit (or a stranger refused), then at most one per interval with the
 * number of refusals since: a flood must be visible in the log without filling it. Thread-safe.
 */
final class LimitLog {
  private final Logger log;
  private final Level level;
  private final long intervalNanos;
  private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  LimitLog(Logger log, Level level, Duration interval) {
    this.log = log;
    this.level = level;
    this.intervalNanos = interval.toNanos();
  }

  /** Counts one hit of the limit and logs {@code message} unless a line went out recently. */
  void hit(String message, Object... args) {
    long now = System.nanoTime();
    long next = nextLogAt.get();
    if ((next != Long.MIN_VALUE && now - next < 0)
        || !nextLogAt.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long since = suppressed.getAndSet(0);
    if (log.isEnabledForLevel(level)) {
      String line =
          since == 0 ? message : message + " (" + since + " more refused since the last line)";
      log.atLevel(level).log(line, args);
    }
  }
}
