package io.xclusterlink.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.TunnelStatus;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.PutResult;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreConflictException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The admin API's routes: maps a method, a URI and a body to an answer over the store. Failures are
 * thrown ({@link InvalidObjectException}, {@link NotFoundException}, {@link
 * MethodNotAllowedException}) and turned into status codes by {@link AdminRequestHandler}. Runs on
 * the admin request thread, never on an event loop: the store writes to disk.
 */
final class AdminRoutes {
  private static final String PATHS =
      "/healthz, /metrics, /v1/apply, /v1/status, /v1/{kind}, /v1/{kind}/{name},"
          + " /v1/vpcnattunnels/{name}/status, /v1/agents/{node}/metrics";

  private final Store store;
  private final Admission admission;
  private final Supplier<Object> status;
  private final Supplier<String> metricsText;
  private final AgentMetricsSnapshots agentMetrics;

  AdminRoutes(
      Store store,
      Admission admission,
      Supplier<Object> status,
      Supplier<String> metricsText,
      AgentMetricsSnapshots agentMetrics) {
    this.store = store;
    this.admission = admission;
    this.status = status;
    this.metricsText = metricsText;
    this.agentMetrics = agentMetrics;
  }

  AdminResponse handle(HttpMethod method, String uri, String body) {
    QueryStringDecoder query = new QueryStringDecoder(uri);
    String path = query.path();
    List<String> parts =
        Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    if (parts.size() == 1 && parts.get(0).equals("healthz")) {
      allow(method, path, HttpMethod.GET);
      return AdminResponse.json(HttpResponseStatus.OK, Map.of("status", "ok"));
    }
    if (parts.size() == 1 && parts.get(0).equals("metrics")) {
      allow(method, path, HttpMethod.GET);
      return metrics();
    }
    if (parts.size() == 2 && parts.get(0).equals("v1")) {
      switch (parts.get(1)) {
        case "apply":
          allow(method, path, HttpMethod.POST);
          return apply(body);
        case "status":
          allow(method, path, HttpMethod.GET);
          return AdminResponse.json(HttpResponseStatus.OK, status.get());
        default:
          Kind kind = kind(parts.get(1));
          allow(method, path, HttpMethod.GET);
          return list(kind, namespace(query));
      }
    }
    if (parts.size() == 3 && parts.get(0).equals("v1")) {
      Kind kind = kind(parts.get(1));
      ObjectKey key = key(kind, parts.get(2), namespace(query));
      if (method.equals(HttpMethod.GET)) {
        return get(key);
      }
      allow(method, path, HttpMethod.GET, HttpMethod.DELETE);
      return delete(key);
    }
    if (parts.size() == 4
        && parts.get(0).equals("v1")
        && parts.get(3).equals("status")
        && kind(parts.get(1)) == Kind.VPC_NAT_TUNNEL) {
      allow(method, path, HttpMethod.PUT);
      return tunnelReport(key(Kind.VPC_NAT_TUNNEL, parts.get(2), namespace(query)), body);
    }
    if (parts.size() == 4
        && parts.get(0).equals("v1")
        && parts.get(1).equals("agents")
        && parts.get(3).equals("metrics")) {
      allow(method, path, HttpMethod.PUT);
      return agentMetrics(parts.get(2), body);
    }
    throw new NotFoundException("no such path: " + path + " (expected one of: " + PATHS + ")");
  }

  /**
   * An agent's report on a tunnel (a {@link TunnelStatus} of its own part), folded into the stored
   * status by {@link TunnelStatus#report}: admin requests run one at a time, so reports of several
   * agents never erase each other.
   */
  private AdminResponse tunnelReport(ObjectKey key, String body) {
    TunnelStatus report =
        readBody(
            body,
            TunnelStatus.class,
            "a tunnel status report",
            "nodes, localGateways, remoteGateways, lastFailoverTime");
    XclObject obj = store.get(key).orElseThrow(() -> notFound(key));
    store.setStatus(key, TunnelStatus.report(obj.status(), report));
    return AdminResponse.json(
        HttpResponseStatus.OK, ObjectCodec.toTree(store.get(key).orElse(obj)));
  }

  private AdminResponse metrics() {
    if (metricsText == null) {
      throw new NotFoundException("metrics are not enabled on this gateway");
    }
    // the agents' families (xcl_l3_*) are none of the gateway's own, so each keeps one header
    String own = metricsText.get();
    String agents = agentMetrics.render();
    if (agents.isEmpty()) {
      return AdminResponse.text(own);
    }
    return AdminResponse.text(
        own.isEmpty() || own.endsWith("\n") ? own + agents : own + "\n" + agents);
  }

  /**
   * An L3 agent's metrics snapshot ({@link AgentMetrics} as JSON), kept in memory until it is
   * replaced or expires, and shown on {@code /metrics}. JSON rather than Prometheus text: the
   * gateway validates every name and number and writes the exposition itself, so no agent can add a
   * family, a header or an unescaped label to it. The path names the node, and the body must name
   * the same one.
   */
  private AdminResponse agentMetrics(String node, String body) {
    if (metricsText == null) {
      throw new NotFoundException("metrics are not enabled on this gateway");
    }
    if (body.length() > AgentMetricsSnapshots.MAX_BODY) {
      throw LimitExceededException.tooLarge(
          "agent metrics of node "
              + node
              + ": body of "
              + body.length()
              + " characters (expected: at most "
              + AgentMetricsSnapshots.MAX_BODY
              + ")");
    }
    AgentMetrics m =
        readBody(
            body,
            AgentMetrics.class,
            "an agent metrics snapshot",
            "node, tunnel, devices, gateways, membershipChanges, appliedCount, appliedSecondsSum,"
                + " appliedSecondsMax, tunnelRestarts");
    m.validate();
    if (!m.node().equals(node)) {
      throw new InvalidObjectException(
          "agent metrics: node: '"
              + m.node()
              + "' (expected: the node of the path, '"
              + node
              + "')");
    }
    agentMetrics.put(m);
    return AdminResponse.json(HttpResponseStatus.OK, Map.of("node", node));
  }

  /**
   * A JSON request body as {@code type}, or a one-line refusal naming {@code what} was expected and
   * its {@code fields}.
   */
  private static <T> T readBody(String body, Class<T> type, String what, String fields) {
    T value;
    try {
      value = ObjectCodec.json().readValue(body, type);
    } catch (java.io.IOException e) {
      throw new InvalidObjectException(
          "body: not " + what + " (expected: JSON with " + fields + ")");
    }
    if (value == null) {
      throw new InvalidObjectException("body: empty (expected: " + what + ")");
    }
    return value;
  }

  /** Parses and admits every document; only when all pass is anything stored. */
  private AdminResponse apply(String body) {
    if (body.isBlank()) {
      throw new InvalidObjectException(
          "body: empty (expected: one or more YAML or JSON documents)");
    }
    List<XclObject> parsed;
    try {
      parsed = ObjectCodec.readYaml(body);
    } catch (InvalidObjectException e) {
      // a value refused while reading (a closed choice such as a policy's action) names its
      // object: say what stays in force, as for a refusal at admission
      if (e.key().isEmpty()) {
        throw e;
      }
      throw new InvalidObjectException(e.getMessage() + "; " + nothingApplied(e.key().get()));
    }
    if (parsed.isEmpty()) {
      throw new InvalidObjectException(
          "body: no objects (expected: one or more YAML or JSON documents)");
    }
    List<XclObject> admitted = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i++) {
      try {
        XclObject obj = admission.admit(parsed.get(i));
        if (obj == null) {
          throw new IllegalStateException("admission returned nothing for " + parsed.get(i).key());
        }
        admitted.add(obj);
      } catch (InvalidObjectException e) {
        throw new InvalidObjectException(
            "document " + (i + 1) + ": " + e.getMessage() + "; " + nothingApplied(parsed.get(i)));
      }
    }
    List<PutResult> results;
    try {
      results = store.putAll(admitted);
    } catch (StoreConflictException e) {
      // the store checked every version before writing: nothing of the request is stored
      throw new StoreConflictException(e.getMessage() + "; nothing applied");
    }
    admission.settle();
    ObjectNode out = ObjectCodec.json().createObjectNode();
    ArrayNode items = out.putArray("results");
    for (PutResult r : results) {
      ObjectKey key = r.object().key();
      ObjectNode item = items.addObject();
      item.put("kind", key.kind().kindName());
      if (key.namespace() != null) {
        item.put("namespace", key.namespace());
      }
      item.put("name", key.name());
      item.put("result", r.outcome().name().toLowerCase(Locale.ROOT));
      // as stored, with the status the gateway has given it by now
      item.set("object", ObjectCodec.toTree(store.get(key).orElse(r.object())));
    }
    return AdminResponse.json(HttpResponseStatus.OK, out);
  }

  /**
   * Says what a rejected apply leaves in force: nothing of the request is stored, so an object that
   * already exists keeps its previous version (semantics.md: say so in the answer).
   */
  private String nothingApplied(XclObject rejected) {
    ObjectKey key;
    try {
      key =
          rejected.metadata() != null && rejected.metadata().name() != null
              ? rejected.normalized().key()
              : null;
    } catch (RuntimeException e) {
      key = null; // too malformed to have a key: it cannot name a stored object
    }
    return key == null ? "nothing applied" : nothingApplied(key);
  }

  private String nothingApplied(ObjectKey key) {
    return store.get(key).isPresent()
        ? "nothing applied, the previous version stays in force"
        : "nothing applied";
  }

  private AdminResponse list(Kind kind, String namespace) {
    ObjectNode out = ObjectCodec.json().createObjectNode();
    ArrayNode items = out.putArray("items");
    for (XclObject obj : store.list(kind, kind.namespaced() ? namespace : null)) {
      items.add(ObjectCodec.toTree(obj));
    }
    return AdminResponse.json(HttpResponseStatus.OK, out);
  }

  private AdminResponse get(ObjectKey key) {
    XclObject obj = store.get(key).orElseThrow(() -> notFound(key));
    return AdminResponse.json(HttpResponseStatus.OK, ObjectCodec.toTree(obj));
  }

  private AdminResponse delete(ObjectKey key) {
    // admin requests run one at a time, so the object read is the one deleted unless the
    // control plane replaced it in between, and then only its status can differ
    XclObject obj = store.get(key).orElseThrow(() -> notFound(key));
    if (!store.delete(key)) {
      throw notFound(key);
    }
    ObjectNode out = ObjectCodec.json().createObjectNode();
    out.set("deleted", ObjectCodec.toTree(obj));
    return AdminResponse.json(HttpResponseStatus.OK, out);
  }

  private static NotFoundException notFound(ObjectKey key) {
    return new NotFoundException(key + " not found");
  }

  private static Kind kind(String text) {
    try {
      return Kind.parse(text);
    } catch (InvalidObjectException e) {
      throw new NotFoundException(
          "no such kind: '"
              + text
              + "' (expected one of: "
              + Arrays.stream(Kind.values()).map(Kind::plural).collect(Collectors.joining(", "))
              + ")");
    }
  }

  /**
   * Namespaced kinds default to {@value XclObject#DEFAULT_NAMESPACE}; cluster-scoped ones have
   * none.
   */
  private static ObjectKey key(Kind kind, String name, String namespace) {
    if (!kind.namespaced()) {
      return new ObjectKey(kind, null, name);
    }
    return new ObjectKey(kind, namespace == null ? XclObject.DEFAULT_NAMESPACE : namespace, name);
  }

  private static String namespace(QueryStringDecoder query) {
    List<String> values = query.parameters().get("namespace");
    if (values == null || values.isEmpty() || values.get(0).isBlank()) {
      return null;
    }
    return values.get(0);
  }

  private static void allow(HttpMethod method, String path, HttpMethod... allowed) {
    for (HttpMethod m : allowed) {
      if (m.equals(method)) {
        return;
      }
    }
    throw new MethodNotAllowedException(method, path, List.of(allowed));
  }
}
