package io.xclusterlink.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which gateways a set of flows takes, asked of the kernel with {@code ip route get} — all flows in
 * one {@code ip -batch} per node, so that a loaded host spends one fork per node, not one per flow.
 */
final class FlowPaths {
  private static final Pattern VIA = Pattern.compile(" via (\\S+) ");

  private final Bed bed;
  private final JsonNode client;
  private final JsonNode server;

  FlowPaths(Bed bed, JsonNode client, JsonNode server) {
    this.bed = bed;
    this.client = client;
    this.server = server;
  }

  /** For each flow, the client cluster's gateway its router sends it to. */
  List<String> forward(List<FlowLoad.Flow> flows) throws Exception {
    JsonNode cluster = bed.cluster(clusterOf(client));
    List<String> lines = new ArrayList<>();
    for (FlowLoad.Flow f : flows) {
      lines.add(
          routeGet(
              server.path("seenAs").asText(),
              client.path("address").asText(),
              "wl0",
              f.tcp,
              f.sourcePort,
              f.tcp ? EchoServer.TCP : EchoServer.UDP));
    }
    List<String> via = batch(cluster.path("router").path("ns").asText(), lines);
    List<String> out = new ArrayList<>();
    for (String v : via) {
      out.add(gatewayBy(cluster, "transit", v));
    }
    return out;
  }

  /**
   * For each flow, the client cluster's gateway its echoes come back through: the server's router
   * picks one of its gateways, which picks one of the client's (one fork per remote gateway).
   */
  List<String> back(List<FlowLoad.Flow> flows) throws Exception {
    JsonNode serverCluster = bed.cluster(clusterOf(server));
    JsonNode clientCluster = bed.cluster(clusterOf(client));
    List<String> first = new ArrayList<>();
    for (FlowLoad.Flow f : flows) {
      first.add(reverse(f, "wl0"));
    }
    List<String> via = batch(serverCluster.path("router").path("ns").asText(), first);
    String[] out = new String[flows.size()];
    for (JsonNode g : serverCluster.path("gateways")) {
      List<Integer> mine = new ArrayList<>();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < flows.size(); i++) {
        if (via.get(i).equals(g.path("transit").asText())) {
          mine.add(i);
          lines.add(reverse(flows.get(i), "tr0"));
        }
      }
      if (mine.isEmpty()) {
        continue;
      }
      List<String> second = batch(g.path("ns").asText(), lines);
      for (int k = 0; k < mine.size(); k++) {
        out[mine.get(k)] = gatewayBy(clientCluster, "overlay", second.get(k));
      }
    }
    return List.of(out);
  }

  private String reverse(FlowLoad.Flow f, String iif) {
    return routeGet(
        client.path("seenAs").asText(),
        server.path("address").asText(),
        iif,
        f.tcp,
        f.tcp ? EchoServer.TCP : EchoServer.UDP,
        f.sourcePort);
  }

  private static String routeGet(
      String to, String from, String iif, boolean tcp, int sport, int dport) {
    return "route get "
        + to
        + " from "
        + from
        + " iif "
        + iif
        + " ipproto "
        + (tcp ? "tcp" : "udp")
        + " sport "
        + sport
        + " dport "
        + dport;
  }

  /** Runs {@code lines} through {@code ip -n ns -batch -}; the next hop of each, in order. */
  private static List<String> batch(String ns, List<String> lines) throws Exception {
    Process p = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
    try (var w = p.outputWriter()) {
      for (String l : lines) {
        w.write(l);
        w.newLine();
      }
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("ip -n " + ns + " -batch: " + out);
    }
    List<String> via = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = VIA.matcher(line);
      if (m.find()) {
        via.add(m.group(1));
      }
    }
    if (via.size() != lines.size()) {
      throw new AssertionError(
          "ip -n " + ns + " -batch: " + lines.size() + " route gets, answers: " + out);
    }
    return via;
  }

  private static String gatewayBy(JsonNode cluster, String field, String address) {
    for (JsonNode g : cluster.path("gateways")) {
      if (g.path(field).asText().equals(address)) {
        return g.path("name").asText();
      }
    }
    throw new AssertionError("no gateway with " + field + " " + address);
  }

  private static String gatewayNs(JsonNode cluster, String transit) {
    for (JsonNode g : cluster.path("gateways")) {
      if (g.path("transit").asText().equals(transit)) {
        return g.path("ns").asText();
      }
    }
    throw new AssertionError("no gateway with transit " + transit);
  }

  private static String clusterOf(JsonNode node) {
    return node.path("name").asText().substring(0, 1);
  }
}
