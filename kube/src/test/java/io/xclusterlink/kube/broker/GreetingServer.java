package io.xclusterlink.kube.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A test backend on 127.0.0.1: greets every connection with "NAME\n", then echoes bytes. */
final class GreetingServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "greeting");
            t.setDaemon(true);
            return t;
          });

  GreetingServer(String name) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] greeting = (name + "\n").getBytes(StandardCharsets.UTF_8);
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket s = server.accept();
              threads.execute(() -> serve(s, greeting));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  private static void serve(Socket s, byte[] greeting) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      out.write(greeting);
      out.flush();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
