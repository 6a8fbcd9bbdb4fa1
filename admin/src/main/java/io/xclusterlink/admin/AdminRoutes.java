package io.xclusterlink.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectCodec;
import io.xclusterlink.api.ObjectKey;
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
      "/healthz, /metrics, /v1/apply, /v1/status, /v1/{kind}, /v1/{kind}/{name}";

  private final Store store;
  private final Admission admission;
  private final Supplier<Object> status;
  private final Supplier<String> metricsText;

  AdminRoutes(
      Store store, Admission admission, Supplier<Object> status, Supplier<String> metricsText) {
    this.store = store;
    this.admission = admission;
    this.status = status;
    this.metricsText = metricsText;
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
    throw new NotFoundException("no such path: " + path + " (expected one of: " + PATHS + ")");
  }

  private AdminResponse metrics() {
    if (metricsText == null) {
      throw new NotFoundException("metrics are not enabled on this gateway");
    }
    return AdminResponse.text(metricsText.get());
  }

  /** Parses and admits every document; only when all pass is anything stored. */
  private AdminResponse apply(String body) {
    if (body.isBlank()) {
      throw new InvalidObjectException(
          "body: empty (expected: one or more YAML or JSON documents)");
    }
    List<XclObject> parsed = ObjectCodec.readYaml(body);
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
    boolean stored;
    try {
      stored =
          rejected.metadata() != null
              && rejected.metadata().name() != null
              && store.get(rejected.normalized().key()).isPresent();
    } catch (RuntimeException e) {
      stored = false; // too malformed to have a key: it cannot name a stored object
    }
    return stored ? "nothing applied, the previous version stays in force" : "nothing applied";
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
