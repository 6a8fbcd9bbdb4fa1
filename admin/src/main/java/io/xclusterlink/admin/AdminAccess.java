package io.xclusterlink.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;
import io.xclusterlink.pki.AdminIdentity;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may send which request to one admin listener: a pure decision over the request's head and
 * what the connection proved (peer uid on the socket; client certificate on TLS). Called on the
 * event loop for each request before its body is read; thread-safe (immutable).
 *
 * <p>The order: web pages are refused first (any {@code Origin}, a {@code Host} that is not this
 * machine's: CSRF and DNS rebinding), then the caller (the gateway's uid or root on the socket; an
 * admin certificate or the bearer token on TCP, except for {@code GET /healthz}), then the content
 * type of a state-changing request (only YAML or JSON, which a page cannot send without a CORS
 * preflight).
 */
final class AdminAccess {
  /** The content types a state-changing request may carry. */
  static final List<String> CONTENT_TYPES =
      List.of("application/yaml", "application/x-yaml", "text/yaml", "application/json");

  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "::1");
  private static final Set<HttpMethod> WITH_BODY =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  /** Which listener a decision is for. */
  enum Listener {
    SOCKET,
    TCP
  }

  /** What a decision needs of a request and its connection; null for what is absent. */
  record Request(
      HttpMethod method,
      String path,
      String host,
      String origin,
      String contentType,
      String authorization,
      Integer peerUid,
      X509Certificate clientCertificate) {}

  /** The answer: go on, or refuse with a status and a one-line message. */
  sealed interface Decision permits Allow, Refuse {}

  /**
   * @param caller who was let in, for the log
   */
  record Allow(String caller) implements Decision {}

  record Refuse(HttpResponseStatus status, String message) implements Decision {}

  private final Listener listener;
  private final Set<String> hosts;
  private final Set<Integer> uids;
  private final boolean mutualTls;
  private final AdminToken token;

  /**
   * @param hosts the Host names this listener answers to besides the loopback names (lowercase,
   *     without port; IPv6 without brackets)
   * @param uids the peer uids the socket admits (the gateway's and root); unused on TCP
   * @param token the bearer token, or null when the TCP listener takes none
   */
  AdminAccess(
      Listener listener,
      Set<String> hosts,
      Set<Integer> uids,
      boolean mutualTls,
      AdminToken token) {
    this.listener = listener;
    this.hosts = Set.copyOf(hosts);
    this.uids = Set.copyOf(uids);
    this.mutualTls = mutualTls;
    this.token = token;
  }

  Decision decide(Request r) {
    if (r.origin() != null) {
      return new Refuse(
          HttpResponseStatus.FORBIDDEN,
          "Origin: "
              + r.origin()
              + ": requests from web pages are refused (expected: no Origin header; use xcl or curl)");
    }
    if (r.host() != null && !hostAllowed(r.host())) {
      return new Refuse(
          HttpResponseStatus.FORBIDDEN,
          "Host: "
              + r.host()
              + " (expected: localhost, 127.0.0.1, [::1] or the admin listener's own address)");
    }
    Decision caller = listener == Listener.SOCKET ? socketCaller(r) : tcpCaller(r);
    if (caller instanceof Refuse) {
      return caller;
    }
    if (WITH_BODY.contains(r.method()) && !yamlOrJson(r.contentType())) {
      return new Refuse(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type: "
              + (r.contentType() == null ? "none" : r.contentType())
              + " (expected: "
              + String.join(", ", CONTENT_TYPES)
              + ")");
    }
    return caller;
  }

  private Decision socketCaller(Request r) {
    if (r.peerUid() == null || !uids.contains(r.peerUid())) {
      return new Refuse(
          HttpResponseStatus.FORBIDDEN,
          "admin socket: peer uid "
              + r.peerUid()
              + " (expected: the gateway's user, uid "
              + uids.stream().filter(u -> u != 0).findFirst().orElse(0)
              + ", or root)");
    }
    return new Allow("uid " + r.peerUid());
  }

  private Decision tcpCaller(Request r) {
    // the probe's route only: /metrics names peers, imports and exports, so it needs credentials
    // too
    if (r.method().equals(HttpMethod.GET) && r.path().equals("/healthz")) {
      return new Allow("anyone");
    }
    if (r.clientCertificate() != null) {
      var admin = AdminIdentity.fromCertificate(r.clientCertificate());
      if (admin.isPresent()) {
        return new Allow("admin " + admin.get());
      }
    }
    String bearer = bearer(r.authorization());
    if (token != null && bearer != null && token.matches(bearer)) {
      return new Allow("bearer token");
    }
    if (r.clientCertificate() != null) {
      return new Refuse(
          HttpResponseStatus.FORBIDDEN,
          "client certificate '"
              + r.clientCertificate().getSubjectX500Principal().getName()
              + "' is not an admin certificate (expected: one made by xcl admin-cert create)");
    }
    if (bearer != null) {
      return new Refuse(
          HttpResponseStatus.UNAUTHORIZED,
          token == null
              ? "bearer token: this listener takes none (expected: an admin certificate of the fabric)"
              : "bearer token: does not match (expected: the token in the gateway's --admin-token-file)");
    }
    return new Refuse(
        HttpResponseStatus.UNAUTHORIZED,
        "authentication required (expected: "
            + (mutualTls && token != null
                ? "an admin certificate of the fabric or Authorization: Bearer TOKEN"
                : mutualTls ? "an admin certificate of the fabric" : "Authorization: Bearer TOKEN")
            + ")");
  }

  private boolean hostAllowed(String hostHeader) {
    String host = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end < 0 ? host : host.substring(1, end);
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    String canonical = canonicalHost(host);
    return LOOPBACK_HOSTS.contains(canonical) || hosts.contains(canonical);
  }

  /**
   * An IP literal in its one canonical text (RFC 5952 for IPv6: {@code [0:0:0:0:0:0:0:1]} and
   * {@code [::1]} are the same host), a name as it is; both sides of the Host check use it.
   */
  static String canonicalHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    int scope = h.indexOf('%');
    if (scope >= 0) {
      h = h.substring(0, scope);
    }
    if (NetUtil.isValidIpV6Address(h) || NetUtil.isValidIpV4Address(h)) {
      return NetUtil.toAddressString(NetUtil.createInetAddressFromIpAddressString(h));
    }
    return h;
  }

  private static boolean yamlOrJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type =
        (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.contains(type);
  }

  private static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : "";
  }
}
