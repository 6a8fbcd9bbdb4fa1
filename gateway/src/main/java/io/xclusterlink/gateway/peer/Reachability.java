package io.xclusterlink.gateway.peer;

/**
 * The reachability state machine of one peer: {@code failureThreshold} consecutive failed
 * heartbeats make a reachable peer unreachable, {@code successThreshold} consecutive successes make
 * it reachable again. A peer starts unreachable with the reason "never answered", and its first
 * successful answer makes it reachable at once. Pure; not thread-safe (one heartbeat loop owns it).
 */
public final class Reachability {
  private final int failureThreshold;
  private final int successThreshold;
  private boolean reachable;
  private boolean everAnswered;
  private int successes;
  private int failures;
  private String reason = "NeverAnswered";
  private String message = "no heartbeat answered yet";

  public Reachability(int failureThreshold, int successThreshold) {
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
  }

  /** Records a successful heartbeat; returns true if reachability flipped. */
  public boolean success(String endpoint) {
    failures = 0;
    successes++;
    boolean flip = !reachable && (!everAnswered || successes >= successThreshold);
    everAnswered = true;
    if (flip) {
      reachable = true;
    }
    if (reachable) {
      reason = "HeartbeatAnswered";
      message = "heartbeat answered by " + endpoint;
    }
    return flip;
  }

  /** Records a failed heartbeat with why it failed; returns true if reachability flipped. */
  public boolean failure(String why) {
    successes = 0;
    failures++;
    boolean flip = reachable && failures >= failureThreshold;
    if (flip) {
      reachable = false;
    }
    if (!reachable) {
      reason = everAnswered ? "HeartbeatFailed" : "NeverAnswered";
      message = why;
    }
    return flip;
  }

  public boolean reachable() {
    return reachable;
  }

  public String reason() {
    return reason;
  }

  public String message() {
    return message;
  }
}
