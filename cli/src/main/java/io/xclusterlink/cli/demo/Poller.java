package io.xclusterlink.cli.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks a question again and again on a scheduler thread until it has an answer or a deadline
 * passes, so the caller never sleeps. One probe runs at a time; a probe that throws counts as "not
 * yet" (a gateway that is still starting refuses connections).
 */
final class Poller implements AutoCloseable {
  private static final Duration EVERY = Duration.ofMillis(100);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-demo-poll");
            t.setDaemon(true);
            return t;
          });

  /**
   * The first answer of {@code probe}, or empty when it had none within {@code timeout}.
   *
   * @param probe returns empty while the awaited state is not there yet
   */
  <T> Optional<T> await(Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
    CompletableFuture<T> answer = new CompletableFuture<>();
    ScheduledFuture<?> task =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (answer.isDone()) {
                return;
              }
              try {
                probe.get().ifPresent(answer::complete);
              } catch (RuntimeException e) {
                // not there yet: ask again on the next tick
              }
            },
            0,
            EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      return Optional.of(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("poll failed", e.getCause());
    } finally {
      task.cancel(false);
    }
  }

  /** True as soon as {@code condition} holds, false when it did not within {@code timeout}. */
  boolean until(Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    return await(timeout, () -> condition.get() ? Optional.of(Boolean.TRUE) : Optional.empty())
        .isPresent();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
