package io.xclusterlink.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client of the demo's import: opens one connection and reads the line the service answers. */
final class ImportProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private ImportProbe() {}

  /** The one line a connection to {@code 127.0.0.1:port} reads, or a reason it read none. */
  static Answer ask(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(DemoPeer.HOST, port), (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? new Answer(null, "closed without an answer") : new Answer(line, null);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Answer(null, "no answer: " + why);
    }
  }

  /** The line read, or null and why not. */
  record Answer(String line, String failure) {
    @Override
    public String toString() {
      return line != null ? line : "(" + failure + ")";
    }
  }
}
