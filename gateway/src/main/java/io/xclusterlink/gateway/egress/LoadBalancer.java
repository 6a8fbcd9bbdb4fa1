package io.xclusterlink.gateway.egress;

import io.xclusterlink.api.Import;
import io.xclusterlink.api.LbScheme;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Orders an import's sources for one client connection. Sources are tried in the returned order
 * until one works. <em>Healthy</em> sources (peer reachable, no failure within the cool-down) come
 * first, ordered by the scheme: round-robin rotates (by weight), random picks by weight, static
 * keeps list order. Then sources that failed recently, then those on unreachable peers, each in
 * list order. Thread-safe; one instance per import.
 */
public final class LoadBalancer {
  private final long coolDownNanos;
  private final Random random;
  private final AtomicLong counter = new AtomicLong();
  private final Map<Import.Source, Long> failedAt = new ConcurrentHashMap<>();

  public LoadBalancer(long coolDownNanos, Random random) {
    this.coolDownNanos = coolDownNanos;
    this.random = random;
  }

  public List<Import.Source> order(
      Import.Spec spec, Predicate<String> peerReachable, long nowNanos) {
    List<Import.Source> healthy = new ArrayList<>();
    List<Import.Source> cooling = new ArrayList<>();
    List<Import.Source> unreachable = new ArrayList<>();
    for (Import.Source s : spec.sources()) {
      if (!peerReachable.test(s.peer())) {
        unreachable.add(s);
      } else if (recentlyFailed(s, nowNanos)) {
        cooling.add(s);
      } else {
        healthy.add(s);
      }
    }
    List<Import.Source> out = new ArrayList<>(spec.sources().size());
    if (!healthy.isEmpty()) {
      LbScheme scheme = spec.scheme();
      if (scheme == LbScheme.ROUND_ROBIN) {
        int first = weightedIndex(healthy, counter.getAndIncrement());
        for (int i = 0; i < healthy.size(); i++) {
          out.add(healthy.get((first + i) % healthy.size()));
        }
      } else if (scheme == LbScheme.RANDOM) {
        int total = totalWeight(healthy);
        int first = weightedIndex(healthy, random.nextInt(total));
        out.add(healthy.get(first));
        List<Import.Source> rest = new ArrayList<>(healthy);
        rest.remove(first);
        Collections.shuffle(rest, random);
        out.addAll(rest);
      } else {
        out.addAll(healthy);
      }
    }
    out.addAll(cooling);
    out.addAll(unreachable);
    return out;
  }

  /** Records a failed attempt: the source goes to the back for the cool-down. */
  public void failed(Import.Source s, long nowNanos) {
    failedAt.put(s, nowNanos);
  }

  public void succeeded(Import.Source s) {
    failedAt.remove(s);
  }

  private boolean recentlyFailed(Import.Source s, long now) {
    Long t = failedAt.get(s);
    if (t == null) {
      return false;
    }
    if (now - t >= coolDownNanos) {
      failedAt.remove(s, t);
      return false;
    }
    return true;
  }

  private static int totalWeight(List<Import.Source> sources) {
    int total = 0;
    for (Import.Source s : sources) {
      total += s.weightOrDefault();
    }
    return total;
  }

  /** Maps position {@code n} on the cumulative weight line (modulo the total) to a source index. */
  private static int weightedIndex(List<Import.Source> sources, long n) {
    long pos = Math.floorMod(n, totalWeight(sources));
    for (int i = 0; i < sources.size(); i++) {
      pos -= sources.get(i).weightOrDefault();
      if (pos < 0) {
        return i;
      }
    }
    return sources.size() - 1;
  }
}
