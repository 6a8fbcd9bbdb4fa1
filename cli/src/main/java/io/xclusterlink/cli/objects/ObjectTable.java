package io.xclusterlink.cli.objects;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.GatewayExIp;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.Peer;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.Vpc;
import io.xclusterlink.api.VpcNatTunnel;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.cli.table.TextTable;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code get -o table} view of each kind: a few columns that fit on one line. */
final class ObjectTable {
  private ObjectTable() {}

  static TextTable of(Kind kind, List<XclObject> objects) {
    TextTable table = header(kind);
    for (XclObject o : objects) {
      String ns = o.metadata().namespace();
      String name = o.metadata().name();
      if (o instanceof Peer p) {
        table.row(name, gateways(p), condition(p, Condition.PEER_REACHABLE));
      } else if (o instanceof Export e) {
        table.row(ns, name, e.spec().host(), e.spec().port(), condition(e, Condition.EXPORT_VALID));
      } else if (o instanceof Import i) {
        Import.Spec s = i.spec();
        table.row(ns, name, s.port(), s.targetPort(), sources(i), s.scheme().text());
      } else if (o instanceof AccessPolicy a) {
        table.row(ns, name, a.spec().action());
      } else if (o instanceof PrivilegedAccessPolicy a) {
        table.row(name, a.spec().action());
      } else if (o instanceof GatewayExIp g) {
        GatewayExIp.Spec s = g.spec();
        table.row(
            ns,
            name,
            s == null ? "" : String.join(",", s.externalIps()),
            s == null ? "" : s.vpc(),
            s == null ? "" : s.tunnelIp(),
            g.learnedFrom() == null ? "" : g.learnedFrom());
      } else if (o instanceof Vpc v) {
        table.row(
            ns,
            name,
            v.spec() == null ? "" : String.join(",", v.spec().cidrs()),
            v.spec() == null ? "" : v.spec().globalNetCIDR());
      } else if (o instanceof VpcNatTunnel t) {
        VpcNatTunnel.Spec s = t.spec();
        table.row(
            ns,
            name,
            s.localVpc(),
            s.remoteCluster() + "/" + s.remoteVpc(),
            s.typeOrDefault(),
            s.vniOrDefault(),
            condition(t, Condition.TUNNEL_READY));
      }
    }
    return table;
  }

  private static TextTable header(Kind kind) {
    switch (kind) {
      case PEER:
        return new TextTable("NAME", "GATEWAYS", "REACHABLE");
      case EXPORT:
        return new TextTable("NAMESPACE", "NAME", "HOST", "PORT", "VALID");
      case IMPORT:
        return new TextTable("NAMESPACE", "NAME", "PORT", "TARGETPORT", "SOURCES", "LB");
      case ACCESS_POLICY:
        return new TextTable("NAMESPACE", "NAME", "ACTION");
      case PRIVILEGED_ACCESS_POLICY:
        return new TextTable("NAME", "ACTION");
      case GATEWAY_EX_IP:
        return new TextTable("NAMESPACE", "NAME", "EXTERNAL", "VPC", "TUNNEL", "PEER");
      case VPC:
        return new TextTable("NAMESPACE", "NAME", "CIDRS", "GLOBAL");
      case VPC_NAT_TUNNEL:
        return new TextTable("NAMESPACE", "NAME", "LOCAL", "REMOTE", "TYPE", "VNI", "READY");
      default:
        throw new IllegalArgumentException("no table for kind " + kind);
    }
  }

  private static String gateways(Peer p) {
    return p.spec() == null
        ? ""
        : p.spec().gateways().stream()
            .map(g -> g.host() + ":" + g.port())
            .collect(Collectors.joining(","));
  }

  /** {@code peer/namespace/export} for each source, comma-separated. */
  private static String sources(Import i) {
    return i.spec().sources().stream()
        .map(s -> s.peer() + "/" + exportNamespace(s) + "/" + s.exportName())
        .collect(Collectors.joining(","));
  }

  private static String exportNamespace(Import.Source s) {
    return s.exportNamespace() == null ? XclObject.DEFAULT_NAMESPACE : s.exportNamespace();
  }

  /**
   * The condition's status ({@code True}/{@code False}), or {@code Unknown} before the first one.
   */
  private static String condition(XclObject o, String type) {
    return o.status().condition(type).map(Condition::status).orElse("Unknown");
  }
}
