package io.xclusterlink.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * One "cluster" for tests: fabric8's mock API server in CRUD mode on 127.0.0.1 (plain HTTP), which
 * can be stopped and started again on the same port with the same contents (the CRUD dispatcher
 * holds them), and a kubeconfig file that points at it.
 */
final class MockCluster implements AutoCloseable {
  private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  private KubernetesMockServer server;
  private final int port;
  final KubernetesClient client;

  MockCluster() {
    server = newServer();
    server.init(loopback(), 0);
    port = server.getPort();
    client = server.createClient();
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName("127.0.0.1");
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  int port() {
    return port;
  }

  /** The API server goes away (connections refused); what it held is kept. */
  void stop() {
    server.destroy();
  }

  /** The API server is back on the same port with what it held. */
  void startAgain() {
    server = newServer();
    server.init(loopback(), port);
  }

  /**
   * A second API server over the same contents on another port: changes made through it while this
   * one is stopped are there when it starts again.
   */
  KubernetesMockServer sibling() {
    KubernetesMockServer s = newServer();
    s.init(loopback(), 0);
    return s;
  }

  /** Writes a kubeconfig for this API server (context {@code mock}, namespace shop). */
  Path kubeconfig(Path dir, String name) {
    Path file = dir.resolve(name + ".kubeconfig");
    String yaml =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: mock\n"
            + "  cluster:\n"
            + "    server: http://127.0.0.1:"
            + port
            + "\n"
            + "contexts:\n"
            + "- name: mock\n"
            + "  context: {cluster: mock, user: mock, namespace: shop}\n"
            + "current-context: mock\n"
            + "users:\n"
            + "- name: mock\n"
            + "  user: {token: test}\n";
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
