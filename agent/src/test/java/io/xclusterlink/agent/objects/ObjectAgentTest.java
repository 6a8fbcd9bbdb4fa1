package io.xclusterlink.agent.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.agent.config.ProbeConfig;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.TunnelStatus;
import io.xclusterlink.api.Vpc;
import io.xclusterlink.api.VpcNatTunnel;
import io.xclusterlink.api.XclObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object-driven agent's decisions that touch no kernel: publishing its GatewayExIp, refusing
 * gre, waiting for gateways, and reporting its part again when the stored status lost it.
 */
class ObjectAgentTest {
  @TempDir Path sysModule;

  private static final NodeIdentity G1 =
      new NodeIdentity(
          false,
          "a-g1",
          "default",
          "vpc-a",
          null,
          Ipv4.parse("192.168.100.11"),
          Ipv4.parse("100.64.0.11"),
          Ipv4.parse("10.10.0.11"),
          "ul0",
          "tr0");

  /** An in-memory store with the admin API's apply and report semantics. */
  private static final class MemorySource implements ObjectSource {
    final Map<ObjectKey, XclObject> objects = new LinkedHashMap<>();
    final List<XclObject> applied = new ArrayList<>();
    final List<TunnelStatus> reports = new ArrayList<>();
    final List<AgentMetrics> pushed = new CopyOnWriteArrayList<>();

    @Override
    public List<XclObject> list(Kind kind) {
      return objects.values().stream().filter(o -> o.kind() == kind).toList();
    }

    @Override
    public void apply(XclObject object) {
      applied.add(object);
      objects.put(object.key(), object);
    }

    @Override
    public void report(ObjectKey tunnel, TunnelStatus report) {
      reports.add(report);
      XclObject t = objects.get(tunnel);
      objects.put(tunnel, t.withStatus(TunnelStatus.report(t.status(), report)));
    }

    @Override
    public void pushMetrics(AgentMetrics metrics) {
      pushed.add(metrics);
    }

    void put(XclObject o) {
      objects.put(o.key(), o);
    }
  }

  private ObjectAgent agent(MemorySource source) {
    return new ObjectAgent(
        G1,
        source,
        ProbeConfig.DEFAULTS,
        Duration.ofSeconds(1),
        Duration.ofMillis(100),
        new KernelModules(sysModule));
  }

  private static MemorySource withVpcAndTunnel(String type) {
    MemorySource s = new MemorySource();
    s.put(
        new Vpc(
            ObjectMeta.of("vpc-a", "default"),
            new Vpc.Spec(List.of("10.10.0.0/16"), null, new Vpc.Router("10.10.0.1")),
            null));
    s.put(
        new VpcNatTunnel(
            ObjectMeta.of("to-b", "default"),
            new VpcNatTunnel.Spec("vpc-a", "b", "vpc-b", "100.64.0.0/24", type, 42, null, null),
            null));
    return s;
  }

  private static TunnelStatus.NodeState ours(MemorySource s) {
    VpcNatTunnel t =
        (VpcNatTunnel) s.objects.get(new ObjectKey(Kind.VPC_NAT_TUNNEL, "default", "to-b"));
    return t.status().tunnel().nodes().stream()
        .filter(n -> n.node().equals("a-g1"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void pushesItsMetricsSnapshotToTheGatewayAgainAndAgainNotThroughTheStatus() throws Exception {
    MemorySource source = withVpcAndTunnel("gre");
    ObjectAgent agent = agent(source);
    CompletableFuture<Void> run =
        CompletableFuture.runAsync(
            () -> {
              try {
                agent.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(source.pushed).hasSizeGreaterThanOrEqualTo(2));
    } finally {
      agent.close();
      run.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    AgentMetrics last = source.pushed.get(source.pushed.size() - 1);
    assertThat(last.node()).isEqualTo("a-g1");
    assertThat(last.tunnel()).isEqualTo("default/to-b");
    assertThat(last.validate()).isEqualTo(last);
    // one status report (the refusal), however many pushes: counters cause no status writes
    assertThat(source.reports).hasSize(1);
  }

  @Test
  void greIsRefusedNamingTheMissingModuleAndTheOwnGatewayExIpIsPublishedOnce() throws Exception {
    MemorySource source = withVpcAndTunnel("gre");
    ObjectAgent agent = agent(source);

    agent.step();
    agent.step();

    assertThat(source.applied).hasSize(1);
    GatewayExIp own = (GatewayExIp) source.applied.get(0);
    assertThat(own.spec().externalIps()).containsExactly("192.168.100.11");
    assertThat(own.spec().cidrs()).containsExactly("10.10.0.0/16");
    TunnelStatus.NodeState n = ours(source);
    assertThat(n.ready()).isFalse();
    assertThat(n.reason()).isEqualTo("KernelModuleMissing");
    assertThat(n.message()).contains("kernel module ip_gre").contains("nothing was created");
    assertThat(source.reports).hasSize(1); // unchanged: not sent again
    assertThat(agent.state()).startsWith("KernelModuleMissing");
  }

  @Test
  void greWithTheModulePresentIsStillRefusedAsNotSupported() throws Exception {
    Files.createDirectory(sysModule.resolve("ip_gre"));
    MemorySource source = withVpcAndTunnel("gre");

    agent(source).step();

    assertThat(ours(source).reason()).isEqualTo("TypeNotSupported");
    assertThat(ours(source).message()).contains("ip_gre");
  }

  @Test
  void withoutRemoteGatewaysItWaitsAndSaysForWhat() throws Exception {
    MemorySource source = withVpcAndTunnel(null);
    ObjectAgent agent = agent(source);

    agent.step();

    assertThat(ours(source).reason()).isEqualTo("WaitingForGateways");
    assertThat(ours(source).message()).isEqualTo("no GatewayExIp of b/vpc-b learned yet");
    assertThat(agent.agent()).isNull();
  }

  @Test
  void aReportTheStoreLostIsSentAgain() throws Exception {
    MemorySource source = withVpcAndTunnel("gre");
    ObjectAgent agent = agent(source);
    agent.step();
    ObjectKey key = new ObjectKey(Kind.VPC_NAT_TUNNEL, "default", "to-b");
    // the gateway restarted: its store kept the spec, not the status
    source.put(source.objects.get(key).withStatus(Status.EMPTY));

    agent.step(); // reads the tunnel without our part
    agent.step();

    assertThat(source.reports).hasSize(2);
    assertThat(ours(source).reason()).isEqualTo("KernelModuleMissing");
  }
}
