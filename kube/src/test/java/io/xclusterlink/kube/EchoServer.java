package io.xclusterlink.kube;

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
final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "echo");
            t.setDaemon(true);
            return t;
          });

  EchoServer(String name) throws IOException {
    this(name, 0);
  }

  EchoServer(String name, int port) throws IOException {
    server = new ServerSocket(port, 200, InetAddress.getLoopbackAddress());
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

  private static void serve(Socket s, byte[] greeting) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      out.write(greeting);
      out.flush();
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // client went away
    }
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
