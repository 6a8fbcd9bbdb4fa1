package io.xclusterlink.agent.probe;

import io.xclusterlink.agent.plan.Health;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure judgement of probe results, round by round: a gateway is down after {@code misses}
 * consecutive rounds without its answer, and up again once it has answered every round for {@code
 * hold}. Every gateway starts up, so that an agent restarted while all is well plans exactly what
 * the kernel already has, and misses are not counted during the first {@code hold}: agents started
 * together answer a moment apart, and a gateway dropped and re-added at start leaves the nodes'
 * bucket tables drifted apart (trap 8), making some paths asymmetric. Times are {@link
 * System#nanoTime} values passed in; no clock, no I/O. Not thread-safe: the agent's loop owns it.
 */
public final class HealthTracker {

  /**
   * A gateway's health changed at {@code at}, on evidence since {@code since}: its last answer when
   * it went down, the first of its unbroken answers when it came up. {@code hinted}: down on
   * another node's hint, checked against this node's own misses ({@link #hinted}).
   */
  public record Transition(String gateway, Health health, long at, long since, boolean hinted) {}

  private static final class State {
    Health health = Health.UP;
    int misses;
    boolean answered;
    long streakStart = -1;
    long lastReply;
    long quietUntil;
    boolean quiet;
  }

  /** The longest a gateway's "restarting" may hold off judgement of its silence. */
  public static final long MAX_RESTART_HOLD_NANOS = 10_000_000_000L;

  private final int misses;
  private final long holdNanos;
  private final Map<String, State> states = new LinkedHashMap<>();
  private final long graceUntil;

  public HealthTracker(Collection<String> gateways, int misses, long holdNanos, long now) {
    if (misses < 1) {
      throw new IllegalArgumentException("misses: " + misses + " (expected: at least 1)");
    }
    this.misses = misses;
    this.holdNanos = holdNanos;
    this.graceUntil = now + holdNanos;
    for (String g : gateways) {
      State s = new State();
      s.lastReply = now;
      states.put(g, s);
    }
  }

  /** {@code gateway} answered the current round's probe at {@code now}. */
  public void answered(String gateway, long now) {
    State s = states.get(gateway);
    if (s == null || s.answered) {
      return;
    }
    s.answered = true;
    s.lastReply = now;
    s.quiet = false; // back: its silence counts again
    if (s.streakStart < 0) {
      s.streakStart = now;
    }
  }

  /**
   * Closes the current round at {@code now}: the transitions it causes, in gateway order.
   *
   * <p>When every gateway still up would go down in the same round, this node is more likely
   * stalled or cut off itself than all of them dead at once (the spurious case seen on a loaded
   * host): they stay up until they have been silent for twice the misses. A stall shorter than that
   * then moves no flow, whereas taking them all down would put back the gateways already known dead
   * (a group with no healthy member keeps every member, ADR 0007); a real loss of all of them costs
   * one more detection time, with the same kernel outcome.
   */
  public List<Transition> endRound(long now) {
    int up = 0;
    int goingDown = 0;
    boolean longSilent = false;
    for (State s : states.values()) {
      if (s.answered) {
        s.misses = 0;
      } else if (now - graceUntil < 0 || s.quiet && now - s.quietUntil < 0) {
        s.streakStart = -1;
      } else {
        s.misses++;
        s.streakStart = -1;
      }
      if (s.health == Health.UP) {
        up++;
        if (s.misses >= misses) {
          goingDown++;
          longSilent |= s.misses >= 2 * misses;
        }
      }
    }
    boolean holdOff = goingDown == up && up > 0 && !longSilent;
    List<Transition> out = new ArrayList<>();
    for (Map.Entry<String, State> e : states.entrySet()) {
      State s = e.getValue();
      if (s.answered) {
        if (s.health == Health.DOWN && now - s.streakStart >= holdNanos) {
          s.health = Health.UP;
          out.add(new Transition(e.getKey(), Health.UP, now, s.streakStart, false));
        }
      } else if (s.health == Health.UP && s.misses >= misses && !holdOff) {
        s.health = Health.DOWN;
        out.add(new Transition(e.getKey(), Health.DOWN, now, s.lastReply, false));
      }
      s.answered = false;
    }
    return out;
  }

  /**
   * Another node judged {@code gateway} down and said so ({@link Prober}): it goes down now,
   * without waiting for this node's own last misses, if this node's probes agree so far: the
   * gateway has missed all but the last of the rounds that would take it down here ({@code misses -
   * 1}, at least one), it has not answered in the current round, the start-up grace is over, and
   * another gateway is still up. Nodes probe on one grid ({@link RoundClock}) and mostly decide in
   * the same round; one that is a round behind (a reply in flight at the crash, a clock that is
   * off) acts on the first one's decision at once, while a hint about a gateway this node still
   * hears from, true or forged, changes nothing.
   *
   * @return the transition, or null when the hint is not taken
   */
  public Transition hinted(String gateway, long now) {
    State s = states.get(gateway);
    if (s == null || s.health != Health.UP || s.answered || now - graceUntil < 0 || s.misses < 1) {
      return null;
    }
    boolean otherUp =
        states.entrySet().stream()
            .anyMatch(e -> !e.getKey().equals(gateway) && e.getValue().health == Health.UP);
    if (!otherUp) {
      return null;
    }
    s.health = Health.DOWN;
    return new Transition(gateway, Health.DOWN, now, s.lastReply, true);
  }

  /**
   * {@code gateway} said its agent is restarting (an orderly stop: its kernel state stays and
   * traffic keeps flowing through it): its silence is not counted for {@code holdNanos} (at most
   * {@link #MAX_RESTART_HOLD_NANOS}) or until it answers again, so that a restart moves no flow.
   * Taken only from a gateway that is up and missed no round, so a "restarting" sent for a gateway
   * already silent (forged, or too late) changes nothing; if it dies during the hold, it is judged
   * down that much later.
   *
   * @return whether it was taken
   */
  public boolean restarting(String gateway, long now, long holdNanos) {
    State s = states.get(gateway);
    if (s == null || s.health != Health.UP || s.misses > 0 || holdNanos <= 0) {
      return false;
    }
    s.quiet = true;
    s.quietUntil = now + Math.min(holdNanos, MAX_RESTART_HOLD_NANOS);
    return true;
  }

  /** Whether {@code gateway} has answered in the current round (for tests). */
  boolean answeredThisRound(String gateway) {
    State s = states.get(gateway);
    return s != null && s.answered;
  }

  /** Every gateway's health, in the order they were given. */
  public Map<String, Health> health() {
    Map<String, Health> out = new LinkedHashMap<>();
    states.forEach((g, s) -> out.put(g, s.health));
    return out;
  }

  /**
   * Whether every gateway is up and has answered every round for at least {@code hold}: nothing is
   * about to change.
   */
  public boolean settled(long now) {
    return states.values().stream()
        .allMatch(
            s -> s.health == Health.UP && s.streakStart >= 0 && now - s.streakStart >= holdNanos);
  }
}
