package io.xclusterlink.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * What a client saw on one connection to an import port: the backend's greeting line, or how the
 * connection ended without one. A refusal by either gateway must show as {@link Outcome#RESET}; a
 * clean close without an answer or no answer at all is a different failure.
 */
record Access(Outcome outcome, String greeting) {
  enum Outcome {
    ANSWERED,
    /** The connection was reset (RST): how a gateway refuses a client. */
    RESET,
    /** The connection was closed (FIN) before any byte arrived. */
    CLOSED_WITHOUT_ANSWER,
    /** Nothing arrived within the read timeout. */
    NO_ANSWER_IN_TIME,
    /** Nothing listens on the port. */
    NOT_LISTENING
  }

  static final Access RESET = new Access(Outcome.RESET, null);
  static final Access CLOSED_WITHOUT_ANSWER = new Access(Outcome.CLOSED_WITHOUT_ANSWER, null);

  static Access answer(String greeting) {
    return new Access(Outcome.ANSWERED, greeting);
  }

  /** Connects to 127.0.0.1:{@code port}, reads one line and closes. */
  static Access at(int port) {
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      } catch (ConnectException e) {
        return new Access(Outcome.NOT_LISTENING, null);
      }
      s.setSoTimeout(5000);
      BufferedReader r =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      return line == null ? CLOSED_WITHOUT_ANSWER : answer(line);
    } catch (SocketTimeoutException e) {
      return new Access(Outcome.NO_ANSWER_IN_TIME, null);
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) {
        return RESET; // the gateway closed with SO_LINGER 0
      }
      throw new java.io.UncheckedIOException(
          "access to 127.0.0.1:" + port + " failed unexpectedly", e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "access to 127.0.0.1:" + port + " failed unexpectedly", e);
    }
  }

  /** The greeting when answered, else the outcome's name (handy as a key when counting spreads). */
  @Override
  public String toString() {
    return outcome == Outcome.ANSWERED ? greeting : outcome.name();
  }
}
