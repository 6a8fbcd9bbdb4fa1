package io.xclusterlink.kube.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.xclusterlink.gateway.control.Leadership;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica leads its peer, by a Lease in the API server (fabric8's {@code
 * LeaderElector}). All replicas carry traffic; only the leader writes status and allocates target
 * ports. A replica that loses the lease stands again as a candidate; closing releases the lease so
 * that another replica takes over at once.
 */
public final class LeaderSwitch implements Leadership, BooleanSupplier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderSwitch.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final LeaderTimings timings;
  private final List<Runnable> onElected = new CopyOnWriteArrayList<>();
  private final List<Runnable> onChange = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "xcl-leader");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean leading;
  private volatile boolean closed;
  private volatile CompletableFuture<?> running;

  /**
   * @param namespace where the Lease lives
   * @param leaseName one Lease per peer
   * @param identity this replica (its pod name)
   */
  public LeaderSwitch(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      LeaderTimings timings) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.timings = timings;
  }

  /** Runs {@code r} (on the election's thread) each time this replica becomes the leader. */
  public void onElected(Runnable r) {
    onElected.add(r);
  }

  /** Runs {@code r} (on the election's thread) each time this replica gains or loses the lead. */
  @Override
  public void onChange(Runnable r) {
    onChange.add(r);
  }

  @Override
  public boolean isLeader() {
    return leading;
  }

  public LeaderSwitch start() {
    thread.execute(this::stand);
    return this;
  }

  private void stand() {
    if (closed) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(leaseName)
            .withLock(new LeaseLock(namespace, leaseName, identity))
            .withLeaseDuration(timings.lease())
            .withRenewDeadline(timings.renewDeadline())
            .withRetryPeriod(timings.retry())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(new LeaderCallbacks(this::elected, this::deposed, this::newLeader))
            .build();
    CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
    running = f;
    f.whenComplete(
        (v, e) -> {
          if (leading) {
            deposed();
          }
          if (!closed) {
            // lost the lease (or could not reach the API server): stand again
            thread.schedule(this::stand, timings.retry().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private void elected() {
    leading = true;
    log.info("{} leads {} (Lease {}/{})", identity, leaseName, namespace, leaseName);
    run(onElected);
    run(onChange);
  }

  private void deposed() {
    if (!leading) {
      return;
    }
    leading = false;
    log.info("{} no longer leads {}", identity, leaseName);
    run(onChange);
  }

  private static void run(List<Runnable> callbacks) {
    for (Runnable r : callbacks) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("after a change of leader: {}", e.toString());
      }
    }
  }

  private void newLeader(String who) {
    log.info("leader of {} is now {}", leaseName, who);
  }

  /** This replica's identity in the Lease. */
  public String identity() {
    return identity;
  }

  @Override
  public boolean getAsBoolean() {
    return leading;
  }

  @Override
  public void close() {
    closed = true;
    leading = false;
    CompletableFuture<?> f = running;
    if (f != null) {
      f.cancel(true); // releases the lease (releaseOnCancel)
    }
    thread.shutdownNow();
  }
}
