package io.xclusterlink.agent.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.jr.ob.JSON;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads an {@link AgentConfig} from a YAML or JSON file (YAML is a superset of JSON, so the YAML
 * parser reads both; a file that starts with "{" is tried with the JSON parser first, which an
 * agent's start reaches without loading the YAML one). The file is read as plain maps and lists
 * (jackson-jr: every node of a VPC starts an agent at once, and databind's start-up is a tenth of
 * an agent's CPU), then each field is taken by name. Every refusal is one {@link
 * IllegalArgumentException} naming the file, the field path, the value and the expectation, e.g.
 * {@code agent config a-g1.json: tunnel.localGateways[1].transit: 10.10.0.300 (expected: a.b.c.d,
 * each 0-255)}; a field the reader does not know is refused the same way, with the known ones.
 */
public final class AgentConfigReader {
  private AgentConfigReader() {}

  /** Built on first use: JSON files never load the YAML parser. A key given twice is refused. */
  private static final class Json {
    static final JSON READER =
        JSON.builder(
                JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .build();
  }

  private static final class Yaml {
    static final JSON READER =
        JSON.builder(
                YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .build();
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
    Object root;
    try {
      root = read(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "agent config "
              + source
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse("")
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"),
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "agent config " + source + ": cannot parse (" + e.getMessage() + ")", e);
    }
    if (root == null) {
      throw new IllegalArgumentException("agent config " + source + ": empty (expected: a map)");
    }
    try {
      return toConfig(Fields.of("", root));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("agent config " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * JSON first when it looks like JSON; YAML otherwise, or when the JSON parser refuses it (a YAML
   * flow mapping also starts with "{"), so what YAML reads is read and a refusal is YAML's.
   */
  private static Object read(String text) throws IOException {
    if (text.stripLeading().startsWith("{")) {
      try {
        return whole(Json.READER, text);
      } catch (IOException e) {
        // YAML's reading decides
      }
    }
    return whole(Yaml.READER, text);
  }

  /** The one value of {@code text}: anything after it is refused, not ignored. */
  private static Object whole(JSON reader, String text) throws IOException {
    try (JsonParser p = reader.getStreamingFactory().createParser(text)) {
      Object value = reader.anyFrom(p);
      if (p.nextToken() != null) {
        throw new JsonParseException(
            p, "more after the first value (expected: one map, then the end of the file)");
      }
      return value;
    }
  }

  private static AgentConfig toConfig(Fields f) {
    String roleText = required("role", f.text("role"));
    String nameText = f.text("name");
    Fields p = f.fields("probe");
    Integer resyncMillis = f.integer("resyncMillis");
    Object tunnelValue = f.value("tunnel");
    f.noOthers();
    Fields t = Fields.of("tunnel", required("tunnel", tunnelValue));
    Role role;
    try {
      role = Role.valueOf(roleText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role: " + roleText + " (expected: router or gateway)");
    }
    Node node;
    if (role == Role.ROUTER) {
      if (nameText != null) {
        throw new IllegalArgumentException(
            "name: " + nameText + " (expected: no name for role router)");
      }
      node = new Node.VpcRouter();
    } else {
      String name = required("name", nameText);
      node = field("name", () -> new Node.Gateway(name));
    }
    ProbeConfig d = ProbeConfig.DEFAULTS;
    ProbeConfig probe = d;
    if (p != null) {
      Integer port = p.integer("port");
      Integer interval = p.integer("intervalMillis");
      Integer misses = p.integer("misses");
      Integer hold = p.integer("holdMillis");
      p.noOthers();
      probe =
          new ProbeConfig(
              port == null ? d.port() : port,
              interval == null ? d.interval() : Duration.ofMillis(interval),
              misses == null ? d.misses() : misses,
              hold == null ? d.hold() : Duration.ofMillis(hold));
    }
    Tunnel tunnel = tunnel(t);
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
        node, tunnel, probe, Duration.ofMillis(resyncMillis == null ? 1000 : resyncMillis));
  }

  private static Tunnel tunnel(Fields t) {
    Integer vni = t.integer("vni");
    Integer vxlanPort = t.integer("vxlanPort");
    String underlayDevice = t.text("underlayDevice");
    String overlayNetwork = t.text("overlayNetwork");
    Integer mtu = t.integer("mtu");
    String transitDevice = t.text("transitDevice");
    String routerTransit = t.text("routerTransit");
    List<Fields> localPrefixes = t.list("localPrefixes");
    List<Fields> remotePrefixes = t.list("remotePrefixes");
    List<Fields> localGateways = t.list("localGateways");
    List<Fields> remoteGateways = t.list("remoteGateways");
    Fields o = t.fields("overlap");
    t.noOthers();
    VxlanConfig vx =
        field(
            "tunnel",
            () ->
                new VxlanConfig(
                    required("tunnel.vni", vni),
                    vxlanPort == null ? 4789 : vxlanPort,
                    required("tunnel.underlayDevice", underlayDevice),
                    prefix("tunnel.overlayNetwork", overlayNetwork),
                    mtu == null ? 1450 : mtu));
    List<LocalGateway> local =
        list(
            "tunnel.localGateways",
            localGateways,
            g -> {
              String name = g.text("name");
              String transit = g.text("transit");
              String underlay = g.text("underlay");
              String overlay = g.text("overlay");
              g.noOthers();
              return new LocalGateway(
                  required(g.path + ".name", name),
                  ip(g.path + ".transit", transit),
                  ip(g.path + ".underlay", underlay),
                  ip(g.path + ".overlay", overlay),
                  Health.UP);
            });
    List<RemoteGateway> remote =
        list(
            "tunnel.remoteGateways",
            remoteGateways,
            g -> {
              String name = g.text("name");
              String underlay = g.text("underlay");
              String overlay = g.text("overlay");
              g.noOthers();
              return new RemoteGateway(
                  required(g.path + ".name", name),
                  ip(g.path + ".underlay", underlay),
                  ip(g.path + ".overlay", overlay),
                  Health.UP);
            });
    Overlap overlap = new Overlap.None();
    if (o != null) {
      String globalSpace = o.text("globalSpace");
      List<Fields> translations = o.list("translations");
      o.noOthers();
      Ipv4Prefix space = prefix("tunnel.overlap.globalSpace", globalSpace);
      List<Overlap.Translation> tr =
          list(
              "tunnel.overlap.translations",
              translations,
              x -> {
                String localText = x.text("local");
                String globalText = x.text("global");
                x.noOthers();
                return new Overlap.Translation(
                    prefix(x.path + ".local", localText), prefix(x.path + ".global", globalText));
              });
      overlap = field("tunnel.overlap", () -> new Overlap.Translated(space, tr));
    }
    Overlap ov = overlap;
    return field(
        "tunnel",
        () ->
            new Tunnel(
                vx,
                required("tunnel.transitDevice", transitDevice),
                ip("tunnel.routerTransit", routerTransit),
                list("tunnel.localPrefixes", localPrefixes, x -> prefix(x.path, x.scalar())),
                list("tunnel.remotePrefixes", remotePrefixes, x -> prefix(x.path, x.scalar())),
                local,
                remote,
                ov));
  }

  private static <T> List<T> list(String path, List<Fields> items, Function<Fields, T> convert) {
    required(path, items);
    List<T> out = new ArrayList<>();
    for (Fields item : items) {
      out.add(field(item.path, () -> convert.apply(item)));
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

  /**
   * One value of the file at {@code path}: a mapping whose fields are taken by name (then {@link
   * #noOthers} refuses any other), or, for a list's item, a scalar.
   */
  private static final class Fields {
    final String path;
    private final Object value;
    private final Set<String> taken = new LinkedHashSet<>();

    private Fields(String path, Object value) {
      this.path = path;
      this.value = value;
    }

    /** {@code value} as a mapping: refused when it is a list or a scalar. */
    static Fields of(String path, Object value) {
      if (!(value instanceof Map)) {
        throw new IllegalArgumentException(
            (path.isEmpty() ? "" : path + ": ") + shown(value) + " (expected: a map)");
      }
      return new Fields(path, value);
    }

    private String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    @SuppressWarnings("unchecked")
    Object value(String key) {
      taken.add(key);
      return ((Map<String, Object>) value).get(key);
    }

    /** A scalar field as text (YAML's {@code name: 7} is the text "7"); null when absent. */
    String text(String key) {
      return scalarText(at(key), value(key));
    }

    /** The scalar of a list's item. */
    String scalar() {
      return scalarText(path, value);
    }

    /** A whole-number field; null when absent. */
    Integer integer(String key) {
      Object v = value(key);
      if (v == null) {
        return null;
      }
      if (v instanceof Integer i) {
        return i;
      }
      throw new IllegalArgumentException(at(key) + ": " + shown(v) + " (expected: an integer)");
    }

    /** A mapping field; null when absent. */
    Fields fields(String key) {
      Object v = value(key);
      return v == null ? null : of(at(key), v);
    }

    /** A list field, each item at {@code key[i]}; null when absent. */
    List<Fields> list(String key) {
      Object v = value(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof List<?> items)) {
        throw new IllegalArgumentException(at(key) + ": " + shown(v) + " (expected: a list)");
      }
      List<Fields> out = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        String itemPath = at(key) + "[" + i + "]";
        out.add(new Fields(itemPath, required(itemPath, items.get(i))));
      }
      return out;
    }

    /** Refuses a field that was not taken: a typo must not pass as a default. */
    @SuppressWarnings("unchecked")
    void noOthers() {
      for (String key : ((Map<String, Object>) value).keySet()) {
        if (!taken.contains(key)) {
          throw new IllegalArgumentException(
              at(key) + ": unknown field (expected one of: " + String.join(", ", taken) + ")");
        }
      }
    }

    private static String scalarText(String path, Object v) {
      if (v == null) {
        return null;
      }
      if (v instanceof Map || v instanceof List) {
        throw new IllegalArgumentException(path + ": " + shown(v) + " (expected: a scalar)");
      }
      return v.toString();
    }

    private static String shown(Object v) {
      if (v instanceof Map) {
        return "a map";
      }
      if (v instanceof List) {
        return "a list";
      }
      return String.valueOf(v);
    }
  }
}
