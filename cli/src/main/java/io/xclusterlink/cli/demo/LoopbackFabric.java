package io.xclusterlink.cli.demo;

import io.xclusterlink.pki.FabricCa;
import io.xclusterlink.pki.KeyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Everything the demo runs on this host: a temporary folder with the fabric's certificates, one
 * service per peer, one gateway process per peer and the YAML files applied to them. {@link #close}
 * stops all of it and deletes the folder unless asked to keep it; it is idempotent and safe from a
 * shutdown hook.
 */
final class LoopbackFabric implements AutoCloseable {
  static final List<String> PEERS = List.of("p1", "p2", "p3");

  private final Path dir;
  private final boolean keep;
  private final List<EchoService> services;
  private final List<DemoPeer> peers;
  private final Map<String, GatewayProcess> gateways = new LinkedHashMap<>();
  private final int importPort;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LoopbackFabric(
      Path dir, boolean keep, List<EchoService> services, List<DemoPeer> peers, int importPort) {
    this.dir = dir;
    this.keep = keep;
    this.services = services;
    this.peers = peers;
    this.importPort = importPort;
    for (DemoPeer p : peers) {
      gateways.put(p.name(), new GatewayProcess(p, dir));
    }
  }

  /**
   * Creates the folder, the fabric's CA and a certificate per peer, starts the services and picks
   * free ports for the gateways and the import (admin APIs are sockets in the state folders).
   * Gateways are started by {@link #startGateways}.
   */
  static LoopbackFabric create(boolean keep) {
    Path dir;
    try {
      dir = Files.createTempDirectory("xcl-demo-").toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder: " + e.getMessage(), e);
    }
    List<EchoService> services = new ArrayList<>();
    try {
      FabricCa.createFabric(dir, GatewayProcess.FABRIC, KeyType.EC_P256);
      for (String name : PEERS) {
        FabricCa.createPeer(dir, GatewayProcess.FABRIC, name, KeyType.EC_P256);
      }
      int[] ports = freePorts(PEERS.size() + 1);
      List<DemoPeer> peers = new ArrayList<>();
      for (int i = 0; i < PEERS.size(); i++) {
        String name = PEERS.get(i);
        EchoService service = EchoService.start("hello from " + name);
        services.add(service);
        peers.add(new DemoPeer(name, ports[i], dir.resolve("state").resolve(name), service.port()));
      }
      return new LoopbackFabric(dir, keep, services, List.copyOf(peers), ports[ports.length - 1]);
    } catch (RuntimeException e) {
      services.forEach(EchoService::close);
      if (!keep) {
        delete(dir);
      }
      throw e;
    }
  }

  /**
   * Distinct free ports on 127.0.0.1. They are free now; another process could take one before a
   * gateway binds it, which the gateway would report in its log.
   */
  private static int[] freePorts(int count) {
    List<ServerSocket> open = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        // held open until all are chosen, so the same port is not handed out twice
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(DemoPeer.HOST));
        open.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot find free ports on " + DemoPeer.HOST + ": " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // only probing for a free port
        }
      }
    }
  }

  /** Starts the three gateway processes; they take a few seconds to answer. */
  void startGateways() {
    for (GatewayProcess g : gateways.values()) {
      g.start();
    }
  }

  Path dir() {
    return dir;
  }

  List<DemoPeer> peers() {
    return peers;
  }

  DemoPeer peer(String name) {
    return gateways.get(name).peer();
  }

  GatewayProcess gateway(String name) {
    return gateways.get(name);
  }

  List<GatewayProcess> gateways() {
    return List.copyOf(gateways.values());
  }

  /** The local port of p1's import of the hello service. */
  int importPort() {
    return importPort;
  }

  /** Writes a YAML file into the demo folder, so a user can apply it by hand too. */
  Path write(String fileName, String yaml) {
    Path file = dir.resolve(fileName);
    try {
      return Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // signal all first, then wait: the three stop in parallel
    for (GatewayProcess g : gateways.values()) {
      g.requestStop();
    }
    for (GatewayProcess g : gateways.values()) {
      g.close();
    }
    services.forEach(EchoService::close);
    if (!keep) {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is harmless; the demo's result does not depend on it
    }
  }
}
