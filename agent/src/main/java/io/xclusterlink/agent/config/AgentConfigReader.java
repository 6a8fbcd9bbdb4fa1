package io.xclusterlink.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import io.xclusterlink.agent.plan.Ipv4Prefix;
import io.xclusterlink.agent.plan.LocalGateway;
import io.xclusterlink.agent.plan.Node;
import io.xclusterlink.agent.plan.Overlap;
import io.xclusterlink.agent.plan.RemoteGateway;
import io.xclusterlink.agent.plan.Tunnel;
import io.xclusterlink.agent.plan.VxlanConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads an {@link AgentConfig} from a YAML or JSON file (YAML is a superset of JSON, so the YAML
 * parser reads both; a file that starts with "{" is tried with the JSON parser first, which an
 * agent's start reaches without loading the YAML one). Every refusal is one {@link
 * IllegalArgumentException} naming the file, the field path, the value and the expectation, e.g.
 * {@code agent config a-g1.json: tunnel.localGateways[1].transit: 10.10.0.300 (expected: a.b.c.d,
 * each 0-255)}.
 */
public final class AgentConfigReader {
  private AgentConfigReader() {}

  /** Built on first use: JSON files never load the YAML parser. */
  private static final class Json {
    static final ObjectMapper MAPPER = strict(new ObjectMapper());
  }

  private static final class Yaml {
    static final ObjectMapper MAPPER = strict(new ObjectMapper(new YAMLFactory()));
  }

  private static ObjectMapper strict(ObjectMapper m) {
    return m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** Reads and validates {@code file}. */
  public static AgentConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "agent config " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(file.toString(), text);
  }

  /** Parses {@code text}; {@code source} names it in messages. */
  public static AgentConfig parse(String source, String text) {
    FileShape f;
    try {
      f = read(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "agent config "
              + source
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse("")
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"),
          e);
    }
    if (f == null) {
      throw new IllegalArgumentException("agent config " + source + ": empty (expected: a map)");
    }
    try {
      return toConfig(f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("agent config " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * JSON first when it looks like JSON; YAML otherwise, or when the JSON parser refuses it (a YAML
   * flow mapping also starts with "{"), so what YAML reads is read and a refusal is YAML's.
   */
  private static FileShape read(String text) throws JsonProcessingException {
    if (text.stripLeading().startsWith("{")) {
      try {
        return Json.MAPPER.readValue(text, FileShape.class);
      } catch (JsonProcessingException e) {
        // YAML's reading decides
      }
    }
    return Yaml.MAPPER.readValue(text, FileShape.class);
  }

  private static AgentConfig toConfig(FileShape f) {
    String roleText = required("role", f.role());
    Role role;
    try {
      role = Role.valueOf(roleText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role: " + roleText + " (expected: router or gateway)");
    }
    Node node;
    if (role == Role.ROUTER) {
      if (f.name() != null) {
        throw new IllegalArgumentException(
            "name: " + f.name() + " (expected: no name for role router)");
      }
      node = new Node.VpcRouter();
    } else {
      String name = required("name", f.name());
      node = field("name", () -> new Node.Gateway(name));
    }
    ProbeShape p = f.probe() == null ? new ProbeShape(null, null, null, null) : f.probe();
    ProbeConfig d = ProbeConfig.DEFAULTS;
    ProbeConfig probe =
        new ProbeConfig(
            p.port() == null ? d.port() : p.port(),
            p.intervalMillis() == null ? d.interval() : Duration.ofMillis(p.intervalMillis()),
            p.misses() == null ? d.misses() : p.misses(),
            p.holdMillis() == null ? d.hold() : Duration.ofMillis(p.holdMillis()));
    Tunnel tunnel = tunnel(required("tunnel", f.tunnel()));
    if (node instanceof Node.Gateway g
        && tunnel.localGateways().stream().noneMatch(l -> l.name().equals(g.name()))) {
      throw new IllegalArgumentException(
          "name: "
              + g.name()
              + " (expected: one of tunnel.localGateways "
              + tunnel.localGateways().stream().map(LocalGateway::name).toList()
              + ")");
    }
    return new AgentConfig(
        node, tunnel, probe, Duration.ofMillis(f.resyncMillis() == null ? 1000 : f.resyncMillis()));
  }

  private static Tunnel tunnel(TunnelShape t) {
    VxlanConfig vx =
        field(
            "tunnel",
            () ->
                new VxlanConfig(
                    required("tunnel.vni", t.vni()),
                    t.vxlanPort() == null ? 4789 : t.vxlanPort(),
                    required("tunnel.underlayDevice", t.underlayDevice()),
                    prefix("tunnel.overlayNetwork", t.overlayNetwork()),
                    t.mtu() == null ? 1450 : t.mtu()));
    List<LocalGateway> local =
        list(
            "tunnel.localGateways",
            t.localGateways(),
            (path, g) ->
                new LocalGateway(
                    required(path + ".name", g.name()),
                    ip(path + ".transit", g.transit()),
                    ip(path + ".underlay", g.underlay()),
                    ip(path + ".overlay", g.overlay()),
                    Health.UP));
    List<RemoteGateway> remote =
        list(
            "tunnel.remoteGateways",
            t.remoteGateways(),
            (path, g) ->
                new RemoteGateway(
                    required(path + ".name", g.name()),
                    ip(path + ".underlay", g.underlay()),
                    ip(path + ".overlay", g.overlay()),
                    Health.UP));
    Overlap overlap = new Overlap.None();
    if (t.overlap() != null) {
      OverlapShape o = t.overlap();
      Ipv4Prefix space = prefix("tunnel.overlap.globalSpace", o.globalSpace());
      List<Overlap.Translation> tr =
          list(
              "tunnel.overlap.translations",
              o.translations(),
              (path, x) ->
                  new Overlap.Translation(
                      prefix(path + ".local", x.local()), prefix(path + ".global", x.global())));
      overlap = field("tunnel.overlap", () -> new Overlap.Translated(space, tr));
    }
    Overlap ov = overlap;
    return field(
        "tunnel",
        () ->
            new Tunnel(
                vx,
                required("tunnel.transitDevice", t.transitDevice()),
                ip("tunnel.routerTransit", t.routerTransit()),
                list("tunnel.localPrefixes", t.localPrefixes(), AgentConfigReader::prefix),
                list("tunnel.remotePrefixes", t.remotePrefixes(), AgentConfigReader::prefix),
                local,
                remote,
                ov));
  }

  private interface Item<S, T> {
    T convert(String path, S shape);
  }

  private static <S, T> List<T> list(String path, List<S> items, Item<S, T> convert) {
    required(path, items);
    List<T> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String at = path + "[" + i + "]";
      S item = required(at, items.get(i));
      out.add(field(at, () -> convert.convert(at, item)));
    }
    return out;
  }

  private static Ipv4 ip(String path, String text) {
    return parsed(path, required(path, text), Ipv4::parse);
  }

  private static Ipv4Prefix prefix(String path, String text) {
    return parsed(path, required(path, text), Ipv4Prefix::parse);
  }

  private static <T> T parsed(String path, String text, Function<String, T> parse) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      // "IPv4 address: x (expected: ...)" becomes "tunnel.routerTransit: x (expected: ...)"
      String m = e.getMessage();
      int colon = m.indexOf(": ");
      throw new IllegalArgumentException(path + (colon < 0 ? ": " + m : m.substring(colon)));
    }
  }

  /** Runs {@code make}; a refusal that does not name a path yet is prefixed with {@code path}. */
  private static <T> T field(String path, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      if (m != null && (m.startsWith("tunnel.") || m.startsWith(path))) {
        throw e;
      }
      throw new IllegalArgumentException(path + ": " + m, e);
    }
  }

  private static <T> T required(String path, T value) {
    if (value == null) {
      throw new IllegalArgumentException(path + ": missing (expected: a value)");
    }
    return value;
  }

  record FileShape(
      String role, String name, ProbeShape probe, Integer resyncMillis, TunnelShape tunnel) {}

  record ProbeShape(Integer port, Integer intervalMillis, Integer misses, Integer holdMillis) {}

  record TunnelShape(
      Integer vni,
      Integer vxlanPort,
      String underlayDevice,
      String overlayNetwork,
      Integer mtu,
      String transitDevice,
      String routerTransit,
      List<String> localPrefixes,
      List<String> remotePrefixes,
      List<LocalGatewayShape> localGateways,
      List<RemoteGatewayShape> remoteGateways,
      OverlapShape overlap) {}

  record LocalGatewayShape(String name, String transit, String underlay, String overlay) {}

  record RemoteGatewayShape(String name, String underlay, String overlay) {}

  record OverlapShape(String globalSpace, List<TranslationShape> translations) {}

  record TranslationShape(String local, String global) {}
}
