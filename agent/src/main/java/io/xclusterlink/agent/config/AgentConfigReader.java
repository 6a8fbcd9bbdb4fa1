package io.xclusterlink.agent.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        return whole(Json.READER, text, false);
      } catch (IOException e) {
        // YAML's reading decides
      }
    }
    return whole(Yaml.READER, text, true);
  }

  /**
   * The one value of {@code text}: anything after it is refused, not ignored (an empty YAML
   * document after it, as a trailing {@code ---} makes, is nothing).
   */
  private static Object whole(JSON reader, String text, boolean yaml) throws IOException {
    try (JsonParser p = reader.getStreamingFactory().createParser(text)) {
      Object value = reader.anyFrom(p);
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        boolean empty =
            yaml
                && (t == JsonToken.VALUE_NULL
                    || t == JsonToken.VALUE_STRING && p.getText().isEmpty());
        if (!empty) {
          throw new JsonParseException(
              p, "more after the first value (expected: one map, then the end of the file)");
        }
      }
      return value;
    }
  }

  private static AgentConfig toConfig(Fields f) {
    f.only("role", "name", "probe", "resyncMillis", "tunnel");
    String roleText = f.required("role");
    Role role;
    try {
      role = Role.valueOf(roleText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role: " + roleText + " (expected: router or gateway)");
    }
    Node node;
    if (role == Role.ROUTER) {
      if (f.text("name") != null) {
        throw new IllegalArgumentException(
            "name: " + f.text("name") + " (expected: no name for role router)");
      }
      node = new Node.VpcRouter();
    } else {
      String name = f.required("name");
      node = field("name", () -> new Node.Gateway(name));
    }
    ProbeConfig probe = ProbeConfig.DEFAULTS;
    Fields p = f.fields("probe");
    if (p != null) {
      p.only("port", "intervalMillis", "misses", "holdMillis");
      ProbeConfig d = ProbeConfig.DEFAULTS;
      probe =
          new ProbeConfig(
              p.integer("port", d.port()),
              Duration.ofMillis(p.integer("intervalMillis", (int) d.interval().toMillis())),
              p.integer("misses", d.misses()),
              Duration.ofMillis(p.integer("holdMillis", (int) d.hold().toMillis())));
    }
    Fields t = f.fields("tunnel");
    Tunnel tunnel = tunnel(required("tunnel", t));
    if (node instanceof Node.Gateway g
        && tunnel.localGateways().stream().noneMatch(l -> l.name().equals(g.name()))) {
      throw new IllegalArgumentException(
          "name: "
              + g.name()
              + " (expected: one of tunnel.localGateways "
              + tunnel.localGateways().stream().map(LocalGateway::name).toList()
              + ")");
    }
    return new AgentConfig(node, tunnel, probe, Duration.ofMillis(f.integer("resyncMillis", 1000)));
  }

  private static Tunnel tunnel(Fields t) {
    t.only(
        "vni",
        "vxlanPort",
        "underlayDevice",
        "overlayNetwork",
        "mtu",
        "transitDevice",
        "routerTransit",
        "localPrefixes",
        "remotePrefixes",
        "localGateways",
        "remoteGateways",
        "overlap");
    VxlanConfig vx =
        field(
            "tunnel",
            () ->
                new VxlanConfig(
                    t.integer("vni", null),
                    t.integer("vxlanPort", 4789),
                    t.required("underlayDevice"),
                    t.prefix("overlayNetwork"),
                    t.integer("mtu", 1450)));
    List<LocalGateway> local =
        t.list(
            "localGateways",
            g -> {
              g.only("name", "transit", "underlay", "overlay");
              return new LocalGateway(
                  g.required("name"),
                  g.ip("transit"),
                  g.ip("underlay"),
                  g.ip("overlay"),
                  Health.UP);
            });
    List<RemoteGateway> remote =
        t.list(
            "remoteGateways",
            g -> {
              g.only("name", "underlay", "overlay");
              return new RemoteGateway(
                  g.required("name"), g.ip("underlay"), g.ip("overlay"), Health.UP);
            });
    Overlap overlap = new Overlap.None();
    Fields o = t.fields("overlap");
    if (o != null) {
      o.only("globalSpace", "translations");
      Ipv4Prefix space = o.prefix("globalSpace");
      List<Overlap.Translation> tr =
          o.list(
              "translations",
              x -> {
                x.only("local", "global");
                return new Overlap.Translation(x.prefix("local"), x.prefix("global"));
              });
      overlap = field("tunnel.overlap", () -> new Overlap.Translated(space, tr));
    }
    Overlap ov = overlap;
    return field(
        "tunnel",
        () ->
            new Tunnel(
                vx,
                t.required("transitDevice"),
                t.ip("routerTransit"),
                t.list("localPrefixes", Fields::asPrefix),
                t.list("remotePrefixes", Fields::asPrefix),
                local,
                remote,
                ov));
  }

  private static <T> T parsed(String path, String text, Function<String, T> parse) {
    required(path, text);
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
   * One value of the file at {@code path}: a mapping whose fields are read by name once {@link
   * #only} has refused any other, or, for a list's item, a scalar. Every refusal names the field's
   * path.
   */
  private static final class Fields {
    final String path;
    private final Object value;

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

    /** This value as a mapping: refused when it is a list or a scalar (a list's item may be). */
    private Map<?, ?> map() {
      if (!(value instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(path + ": " + shown(value) + " (expected: a map)");
      }
      return m;
    }

    private Object value(String key) {
      return map().get(key);
    }

    /** Refuses a field not in {@code keys}: a typo must not pass as a default. */
    void only(String... keys) {
      List<String> known = List.of(keys);
      for (Object key : map().keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException(
              at(String.valueOf(key))
                  + ": unknown field (expected one of: "
                  + String.join(", ", known)
                  + ")");
        }
      }
    }

    /** A text field; null when absent. */
    String text(String key) {
      return scalarText(at(key), value(key));
    }

    String required(String key) {
      return AgentConfigReader.required(at(key), text(key));
    }

    Ipv4 ip(String key) {
      return parsed(at(key), text(key), Ipv4::parse);
    }

    Ipv4Prefix prefix(String key) {
      return parsed(at(key), text(key), Ipv4Prefix::parse);
    }

    /** A list's item that is a prefix. */
    Ipv4Prefix asPrefix() {
      return parsed(path, scalarText(path, value), Ipv4Prefix::parse);
    }

    /**
     * A whole-number field, also when quoted ({@code "42"}); {@code absent} when it is not given
     * (null: required).
     */
    Integer integer(String key, Integer absent) {
      Object v = value(key);
      if (v == null) {
        return AgentConfigReader.required(at(key), absent);
      }
      if (v instanceof Integer i) {
        return i;
      }
      if (v instanceof String text && text.matches("-?[0-9]{1,10}")) {
        try {
          return Integer.valueOf(text);
        } catch (NumberFormatException e) {
          // out of range: refused below
        }
      }
      throw new IllegalArgumentException(at(key) + ": " + shown(v) + " (expected: an integer)");
    }

    /** A mapping field; null when absent. */
    Fields fields(String key) {
      Object v = value(key);
      return v == null ? null : of(at(key), v);
    }

    /** A required list field, each item at {@code key[i]} made by {@code convert}. */
    <T> List<T> list(String key, Function<Fields, T> convert) {
      Object v = AgentConfigReader.required(at(key), value(key));
      if (!(v instanceof List<?> items)) {
        throw new IllegalArgumentException(at(key) + ": " + shown(v) + " (expected: a list)");
      }
      List<T> out = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        String itemPath = at(key) + "[" + i + "]";
        Fields item = new Fields(itemPath, AgentConfigReader.required(itemPath, items.get(i)));
        out.add(field(itemPath, () -> convert.apply(item)));
      }
      return out;
    }

    /**
     * Text as written: a YAML value the parser read as a number or a boolean ({@code name: on},
     * {@code 1.10}, {@code 007}) is refused rather than turned into other text.
     */
    private static String scalarText(String path, Object v) {
      if (v == null || v instanceof String) {
        return (String) v;
      }
      throw new IllegalArgumentException(
          path
              + ": "
              + shown(v)
              + (v instanceof Map || v instanceof List
                  ? " (expected: text)"
                  : " (expected: text; quote it)"));
    }

    private static String shown(Object v) {
      if (v instanceof Map) {
        return "a map";
      }
      if (v instanceof List) {
        return "a list";
      }
      if (v instanceof String text) {
        return "\"" + text + "\"";
      }
      return String.valueOf(v);
    }
  }
}
