package io.xclusterlink.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.agent.plan.Ipv4;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The prober against a hand-driven gateway on 127.0.0.1: which answers count for a round. The
 * gateway's reply is in the prober's socket before {@link Prober#collect} starts (loopback delivers
 * during the send), so each round's outcome does not depend on timing.
 */
class ProberTest {
  private DatagramSocket gateway;
  private Prober prober;
  private final List<DatagramPacket> requests = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    gateway = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    gateway.setSoTimeout(5000);
    prober = Prober.open(Map.of("g", Ipv4.parse("127.0.0.1")), gateway.getLocalPort());
  }

  @AfterEach
  void close() throws Exception {
    prober.close();
    gateway.close();
  }

  /** No hold, no grace: settled right after a round exactly when the round's answer counted. */
  private static HealthTracker tracker() {
    return new HealthTracker(List.of("g"), 3, 0, System.nanoTime());
  }

  /** Starts a round and receives its request at the gateway. */
  private void round() throws Exception {
    prober.send();
    DatagramPacket p = new DatagramPacket(new byte[64], 64);
    gateway.receive(p);
    requests.add(p);
  }

  /** The gateway answers request {@code i} (0-based), as the responder would. */
  private void answer(int i, DatagramSocket from) throws Exception {
    DatagramPacket req = requests.get(i);
    ByteBuffer b = ByteBuffer.wrap(req.getData(), 0, req.getLength()).slice();
    ByteBuffer reply = ByteBuffer.allocate(17);
    ProbeMessage.write(reply, ProbeMessage.REPLY, ProbeMessage.token(b));
    from.send(new DatagramPacket(reply.array(), 16, req.getSocketAddress()));
  }

  /** Ends a round; whether an answer counted for it. */
  private boolean endRound(HealthTracker t) throws Exception {
    prober.collect(t, System.nanoTime() + 20_000_000L);
    long now = System.nanoTime();
    t.endRound(now);
    return t.settled(now);
  }

  @Test
  void anAnswerUpToTwoRoundsLateCountsAndAnOlderOneDoesNot() throws Exception {
    HealthTracker t = tracker();
    round();
    answer(0, gateway);
    assertThat(endRound(t)).as("answered in its own round").isTrue();
    round();
    round();
    round();
    answer(1, gateway); // round 4 now: the answer to round 2 is two rounds late
    assertThat(endRound(t)).as("two rounds late still proves it alive").isTrue();
    round();
    answer(1, gateway); // round 5: the same answer is now three rounds late
    assertThat(endRound(t)).as("three rounds late").isFalse();
  }

  @Test
  void anAnswerFromAnotherPortOrOfAnotherSessionDoesNotCount() throws Exception {
    HealthTracker t = tracker();
    round();
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      answer(0, other);
    }
    // the right port, a token of another prober's session, this round's number
    DatagramPacket req = requests.get(0);
    long token = ByteBuffer.wrap(req.getData(), 8, 8).getLong();
    ByteBuffer forged = ByteBuffer.allocate(17);
    ProbeMessage.write(forged, ProbeMessage.REPLY, token ^ 0x1_0000_0000L);
    gateway.send(
        new DatagramPacket(forged.array(), 16, InetAddress.getByName("127.0.0.1"), req.getPort()));
    assertThat(endRound(t)).isFalse();
    round();
    answer(1, gateway);
    assertThat(endRound(t)).as("the real answer").isTrue();
  }
}
