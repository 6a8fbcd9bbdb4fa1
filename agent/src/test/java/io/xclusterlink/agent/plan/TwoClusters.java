package io.xclusterlink.agent.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A tunnel between cluster A and cluster B, and each side's {@link Tunnel}. Addresses come from a
 * gateway's position in its list, so they are unique; names and health are the test's choice.
 */
record TwoClusters(
    int vni,
    List<String> aNames,
    List<String> bNames,
    List<Health> aHealth,
    List<Health> bHealth,
    List<Ipv4Prefix> aPrefixes,
    List<Ipv4Prefix> bPrefixes,
    boolean overlap) {

  static final Ipv4Prefix OVERLAY = Ipv4Prefix.parse("100.64.0.0/24");
  static final Ipv4Prefix GLOBAL = Ipv4Prefix.parse("242.0.0.0/8");

  /** The canonical example of l3-kernel.md: three gateways per side, all up, disjoint CIDRs. */
  static TwoClusters example() {
    return new TwoClusters(
        42,
        List.of("g1", "g2", "g3"),
        List.of("g1", "g2", "g3"),
        List.of(Health.UP, Health.UP, Health.UP),
        List.of(Health.UP, Health.UP, Health.UP),
        List.of(Ipv4Prefix.parse("10.10.0.0/16")),
        List.of(Ipv4Prefix.parse("10.20.0.0/16")),
        false);
  }

  TwoClusters withHealth(boolean sideA, String name, Health h) {
    List<String> names = sideA ? aNames : bNames;
    List<Health> health = new ArrayList<>(sideA ? aHealth : bHealth);
    health.set(names.indexOf(name), h);
    return sideA
        ? new TwoClusters(vni, aNames, bNames, health, bHealth, aPrefixes, bPrefixes, overlap)
        : new TwoClusters(vni, aNames, bNames, aHealth, health, aPrefixes, bPrefixes, overlap);
  }

  /** The same tunnel with B's prefixes equal to A's (on) or moved out of A's first octet (off). */
  TwoClusters withOverlap(boolean on) {
    List<Ipv4Prefix> b = aPrefixes;
    if (!on) {
      b = new ArrayList<>();
      for (Ipv4Prefix p : aPrefixes) {
        int firstOctet = (p.address().bits() >>> 24) + 1 & 0xff;
        b.add(
            new Ipv4Prefix(new Ipv4(firstOctet << 24 | p.address().bits() & 0xffffff), p.length()));
      }
    }
    return new TwoClusters(vni, aNames, bNames, aHealth, bHealth, aPrefixes, b, on);
  }

  Tunnel forA() {
    return tunnel(0, aNames, aHealth, aPrefixes, 1, bNames, bHealth, bPrefixes);
  }

  Tunnel forB() {
    return tunnel(1, bNames, bHealth, bPrefixes, 0, aNames, aHealth, aPrefixes);
  }

  /**
   * A global prefix for a cluster's i-th prefix (lengths 16-24): 242.(8 cluster + i).0.0, same
   * length.
   */
  static Ipv4Prefix global(int cluster, int i, Ipv4Prefix local) {
    int bits = 242 << 24 | (cluster * 8 + i) << 16;
    return new Ipv4Prefix(new Ipv4(bits), local.length());
  }

  private Tunnel tunnel(
      int self,
      List<String> names,
      List<Health> health,
      List<Ipv4Prefix> prefixes,
      int other,
      List<String> remoteNames,
      List<Health> remoteHealth,
      List<Ipv4Prefix> remotePrefixes) {
    List<LocalGateway> local = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      local.add(
          new LocalGateway(
              names.get(i), transit(self, i), underlay(self, i), overlay(self, i), health.get(i)));
    }
    List<RemoteGateway> remote = new ArrayList<>();
    for (int i = 0; i < remoteNames.size(); i++) {
      remote.add(
          new RemoteGateway(
              remoteNames.get(i), underlay(other, i), overlay(other, i), remoteHealth.get(i)));
    }
    Overlap ov = new Overlap.None();
    List<Ipv4Prefix> remoteSeen = remotePrefixes;
    if (overlap) {
      List<Overlap.Translation> tr = new ArrayList<>();
      for (int i = 0; i < prefixes.size(); i++) {
        tr.add(new Overlap.Translation(prefixes.get(i), global(self, i, prefixes.get(i))));
      }
      ov = new Overlap.Translated(GLOBAL, tr);
      remoteSeen = new ArrayList<>();
      for (int i = 0; i < remotePrefixes.size(); i++) {
        remoteSeen.add(global(other, i, remotePrefixes.get(i)));
      }
    }
    return new Tunnel(
        new VxlanConfig(vni, 4789, "eth0", OVERLAY, 1450),
        "eth1",
        new Ipv4(10 << 24 | 255 << 16 | self << 8 | 1),
        prefixes,
        remoteSeen,
        local,
        remote,
        ov);
  }

  // gateway i of cluster c: transit 10.255.c.(10+i), underlay 192.168.c.(10+i), overlay
  // 100.64.0.(c*100+10+i)
  private static Ipv4 transit(int cluster, int i) {
    return new Ipv4(10 << 24 | 255 << 16 | cluster << 8 | (10 + i));
  }

  private static Ipv4 underlay(int cluster, int i) {
    return new Ipv4(192 << 24 | 168 << 16 | cluster << 8 | (10 + i));
  }

  private static Ipv4 overlay(int cluster, int i) {
    return new Ipv4(100 << 24 | 64 << 16 | (cluster * 100 + 10 + i));
  }
}
