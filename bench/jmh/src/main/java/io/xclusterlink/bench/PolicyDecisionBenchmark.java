package io.xclusterlink.bench;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.PolicyAction;
import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.PolicySpec.LabelSelector;
import io.xclusterlink.api.PolicySpec.WorkloadSelectorTerm;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.Status;
import io.xclusterlink.policy.AttributeKeys;
import io.xclusterlink.policy.Decision;
import io.xclusterlink.policy.PolicySet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One policy decision with N policies spread over 20 namespaces, shaped like real ones: each allows
 * one peer (by name or label) to reach one export (by name), a few deny by label, and a handful are
 * privileged. The connection decided matches a policy in the middle of its namespace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PolicyDecisionBenchmark {
  @Param({"10", "1000", "10000"})
  public int policies;

  private PolicySet set;
  private Map<String, String> from;
  private Map<String, String> to;
  private Map<String, String> toMiss;

  private static WorkloadSelectorTerm term(String key, String value) {
    return new WorkloadSelectorTerm(new LabelSelector(Map.of(key, value), List.of()));
  }

  @Setup
  public void setUp() {
    Random r = new Random(7);
    List<AccessPolicy> regular = new ArrayList<>();
    for (int i = 0; i < policies; i++) {
      String ns = "ns" + (i % 20);
      PolicyAction action = i % 10 == 9 ? PolicyAction.DENY : PolicyAction.ALLOW;
      WorkloadSelectorTerm fromTerm =
          i % 3 == 0
              ? term(AttributeKeys.PEER_LABEL_PREFIX + "zone", "z" + r.nextInt(50))
              : term(AttributeKeys.PEER_NAME, "peer" + r.nextInt(200));
      regular.add(
          new AccessPolicy(
              ObjectMeta.of("p" + i, ns),
              new PolicySpec(
                  action, List.of(fromTerm), List.of(term(AttributeKeys.EXPORT_NAME, "svc" + i))),
              Status.EMPTY));
    }
    List<PrivilegedAccessPolicy> privileged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      privileged.add(
          new PrivilegedAccessPolicy(
              ObjectMeta.of("priv" + i, null),
              new PolicySpec(
                  PolicyAction.DENY,
                  List.of(term(AttributeKeys.PEER_LABEL_PREFIX + "quarantine", "q" + i)),
                  List.of(new WorkloadSelectorTerm(new LabelSelector(Map.of(), List.of())))),
              Status.EMPTY));
    }
    set = PolicySet.of(regular, privileged);
    int target = policies / 2 / 20 * 20 + 1; // a policy in namespace ns1, half way through
    AccessPolicy p = regular.get(Math.min(target, regular.size() - 1));
    Map<String, String> pinnedFrom = p.spec().from().get(0).workloadSelector().matchLabels();
    String peerName = pinnedFrom.getOrDefault(AttributeKeys.PEER_NAME, "peer-x");
    String zone = pinnedFrom.getOrDefault(AttributeKeys.PEER_LABEL_PREFIX + "zone", "z-x");
    from =
        AttributeKeys.merge(
            AttributeKeys.peer(peerName, Map.of("zone", zone)),
            AttributeKeys.client("web", "frontend", Map.of("app", "shop")));
    to =
        AttributeKeys.merge(
            AttributeKeys.peer("self", Map.of()),
            AttributeKeys.export(
                p.spec()
                    .to()
                    .get(0)
                    .workloadSelector()
                    .matchLabels()
                    .get(AttributeKeys.EXPORT_NAME),
                p.metadata().namespace(),
                Map.of()));
    toMiss =
        AttributeKeys.merge(
            AttributeKeys.peer("self", Map.of()), AttributeKeys.export("nothing", "ns1", Map.of()));
    if (!set.decide(p.metadata().namespace(), from, to).allowed()
        && p.spec().action() == PolicyAction.ALLOW) {
      throw new IllegalStateException("benchmark set-up: the chosen connection should be allowed");
    }
  }

  @Benchmark
  public Decision decideMatching() {
    return set.decide("ns1", from, to);
  }

  @Benchmark
  public Decision decideDefaultDeny() {
    return set.decide("ns1", from, toMiss);
  }
}
