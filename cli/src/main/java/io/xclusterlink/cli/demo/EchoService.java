package io.xclusterlink.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A tiny backend on 127.0.0.1 that answers every connection with one line and closes it: what a
 * peer exports in the demo. Accepts on a daemon thread and serves each connection on its own daemon
 * thread.
 */
final class EchoService implements AutoCloseable {
  private final ServerSocket server;
  private final byte[] line;

  private EchoService(ServerSocket server, String greeting) {
    this.server = server;
    this.line = (greeting + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Binds a free port on 127.0.0.1 and starts answering {@code greeting}. */
  static EchoService start(String greeting) {
    ServerSocket server;
    try {
      server = new ServerSocket(0, 50, InetAddress.getByName(DemoPeer.HOST));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open a port on " + DemoPeer.HOST + " for the demo service", e);
    }
    EchoService service = new EchoService(server, greeting);
    daemon(service::acceptLoop, "xcl-demo-echo-" + server.getLocalPort()).start();
    return service;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      daemon(() -> answer(client), "xcl-demo-echo-conn").start();
    }
  }

  private void answer(Socket client) {
    try (client;
        OutputStream out = client.getOutputStream()) {
      out.write(line);
      out.flush();
    } catch (IOException e) {
      // the client went away first; a demo backend has nobody to tell
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing a listening socket on the way out: nothing left to do
    }
  }
}
