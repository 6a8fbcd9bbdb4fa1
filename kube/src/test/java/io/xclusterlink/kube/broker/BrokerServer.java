package io.xclusterlink.kube.broker;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker of a test: fabric8's mock API server in CRUD mode on 127.0.0.1, which can be stopped
 * and started again on the same port, keeping its objects (an API server that was down) or not (a
 * broker that lost its state).
 */
final class BrokerServer implements AutoCloseable {
  private KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  private KubernetesMockServer server;
  private int port;
  private Config config;
  private final List<KubernetesClient> clients = new ArrayList<>();

  BrokerServer() {
    start(0);
    port = server.getPort();
    try (NamespacedKubernetesClient c = server.createClient()) {
      // reconnect quickly and do not retry requests for long: tests stop this server
      config =
          new ConfigBuilder(c.getConfiguration())
              .withWatchReconnectInterval(100)
              .withWatchReconnectLimit(-1)
              .withRequestRetryBackoffLimit(0)
              .withRequestTimeout(5_000)
              .build();
    }
  }

  private void start(int p) {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
    server.init(InetAddress.getLoopbackAddress(), p);
  }

  /** A new client of this server (closed with it), as one peer's broker client would be. */
  KubernetesClient client() {
    return client(config.getUserAgent());
  }

  /** A new client whose requests carry {@code userAgent}, to tell them apart in {@link #take}. */
  KubernetesClient client(String userAgent) {
    KubernetesClient c =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(config).withUserAgent(userAgent).build())
            .build();
    clients.add(c);
    return c;
  }

  /** The requests this server has received since the last call (since its last start). */
  List<RecordedRequest> take() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
      out.add(r);
    }
    return out;
  }

  /** The server's URL, for a kubeconfig. */
  String url() {
    return config.getMasterUrl();
  }

  void stop() {
    server.destroy();
  }

  /**
   * While this server is stopped: runs {@code change} against the same objects through a second
   * server on another port, as if someone had changed the broker while the peers could not watch.
   */
  void changeWhileStopped(java.util.function.Consumer<KubernetesClient> change) {
    KubernetesMockServer side =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
    side.init(InetAddress.getLoopbackAddress(), 0);
    try (NamespacedKubernetesClient c = side.createClient()) {
      change.accept(c);
    } finally {
      side.destroy();
    }
  }

  /** Starts again on the same port, with the objects it had or (forget) with none. */
  void restart(boolean forget) {
    if (forget) {
      dispatcher = new KubernetesCrudDispatcher();
    }
    start(port);
  }

  @Override
  public void close() {
    for (KubernetesClient c : clients) {
      c.close();
    }
    server.destroy();
  }
}
