package io.xclusterlink.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.xclusterlink.agent.plan.Health;
import io.xclusterlink.agent.plan.Ipv4;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Down hints over real sockets on loopback: two nodes probe gateway g2 (a responder on 127.0.0.2)
 * and gateway g1 (127.0.0.3, silent: dead); the first node's own decision reaches the second
 * through g2's relay, and the second takes it only because its own probes agree.
 */
class HintRelayTest {
  private static final Ipv4 G1 = Ipv4.parse("127.0.0.3");
  private static final Ipv4 G2 = Ipv4.parse("127.0.0.2");
  private static final long MS = 1_000_000;

  private EchoResponder g2;
  private int port;
  private final List<Prober> probers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    try (DatagramSocket free = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      port = free.getLocalPort();
    }
    g2 = EchoResponder.bind(List.of(new InetSocketAddress("127.0.0.2", port)));
    g2.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Prober p : probers) {
      p.close();
    }
    g2.close();
  }

  private Prober prober() throws Exception {
    Prober p = Prober.open(Map.of("g1", G1, "g2", G2), port);
    probers.add(p);
    return p;
  }

  private static HealthTracker tracker() {
    return new HealthTracker(List.of("g1", "g2"), 3, 0, System.nanoTime());
  }

  /** One round: probe, wait for g2's answer (it always answers), end the round. */
  private static void round(Prober p, HealthTracker t) {
    p.send();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              p.collect(t, System.nanoTime() + 5 * MS);
              return t.answeredThisRound("g2");
            });
    t.endRound(System.nanoTime());
  }

  private static List<HealthTracker.Transition> collectHints(Prober p, HealthTracker t)
      throws Exception {
    List<HealthTracker.Transition> taken = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              p.collect(t, System.nanoTime() + 5 * MS, taken::add);
              return !taken.isEmpty();
            });
    return taken;
  }

  private Prober a;
  private Prober b;
  private HealthTracker tb;

  /** Nodes a and b each probe twice: g2 knows them as probers, g1 missed two rounds at b. */
  private void twoRoundsEach() throws Exception {
    a = prober();
    b = prober();
    HealthTracker ta = tracker();
    tb = tracker();
    for (int i = 0; i < 2; i++) {
      round(a, ta);
      round(b, tb);
    }
  }

  @Test
  void aDecisionReachesTheOtherNodeThroughTheSurvivingGatewayAndIsTakenThere() throws Exception {
    twoRoundsEach();
    assertThat(tb.health()).containsEntry("g1", Health.UP);
    a.hint("g1"); // a decided on its own evidence
    List<HealthTracker.Transition> taken = collectHints(b, tb);
    assertThat(taken)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.gateway()).isEqualTo("g1");
              assertThat(t.health()).isEqualTo(Health.DOWN);
              assertThat(t.hinted()).isTrue();
            });
    assertThat(tb.health()).containsEntry("g1", Health.DOWN).containsEntry("g2", Health.UP);
  }

  @Test
  void aHintAboutAGatewayThatStillAnswersChangesNothing() throws Exception {
    twoRoundsEach();
    a.hint("g2"); // g2 relays a hint about itself to b, which hears g2 every round
    a.hint("g1"); // then a true one, so that the test knows when b has had both
    List<HealthTracker.Transition> taken = collectHints(b, tb);
    assertThat(taken).extracting(HealthTracker.Transition::gateway).containsExactly("g1");
    assertThat(tb.health()).containsEntry("g2", Health.UP);
  }

  @Test
  void aStrangersHintIsNotRelayedAndTheSameGatewayIsRelayedOncePerQuietTime() throws Exception {
    try (DatagramSocket observer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      observer.setSoTimeout(5000);
      sender.setSoTimeout(5000);
      probeOnce(observer);
      probeOnce(sender);
      send(stranger, ProbeMessage.HINT, Ipv4.parse("127.0.0.11"));
      send(sender, ProbeMessage.HINT, Ipv4.parse("127.0.0.12"));
      send(sender, ProbeMessage.HINT, Ipv4.parse("127.0.0.12"));
      send(sender, ProbeMessage.HINT, Ipv4.parse("127.0.0.13"));
      // g2 serves them in order from one socket: a relay of the stranger's hint or of the repeat
      // would arrive before the next one
      assertThat(receiveRelayed(observer)).isEqualTo(Ipv4.parse("127.0.0.12"));
      assertThat(receiveRelayed(observer)).isEqualTo(Ipv4.parse("127.0.0.13"));
    }
  }

  /** Probes g2 once from {@code s} and takes the reply: g2 now knows {@code s} as a prober. */
  private void probeOnce(DatagramSocket s) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(16);
    ProbeMessage.write(b, ProbeMessage.REQUEST, 42);
    s.send(new DatagramPacket(b.array(), 16, new InetSocketAddress("127.0.0.2", port)));
    DatagramPacket reply = new DatagramPacket(new byte[64], 64);
    s.receive(reply);
    assertThat(
            ProbeMessage.is(
                ByteBuffer.wrap(reply.getData(), 0, reply.getLength()).slice(), ProbeMessage.REPLY))
        .isTrue();
  }

  private void send(DatagramSocket s, byte type, Ipv4 overlay) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(16);
    ProbeMessage.writeHint(b, type, overlay.bits());
    s.send(new DatagramPacket(b.array(), 16, new InetSocketAddress("127.0.0.2", port)));
  }

  private static Ipv4 receiveRelayed(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[64], 64);
    s.receive(p);
    ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength()).slice();
    assertThat(ProbeMessage.is(b, ProbeMessage.RELAYED)).as("a relayed hint").isTrue();
    return new Ipv4(ProbeMessage.hinted(b));
  }

  @Test
  void aGatewayWhoseAgentStopsInOrderAsksItsProbersToWaitAndTheyDo() throws Exception {
    twoRoundsEach();
    g2.restarting(java.time.Duration.ofSeconds(10));
    g2.close();
    // b hears it, then probes g2 for more rounds than it takes to judge a silent gateway down,
    // even the last one up (twice the misses)
    for (int i = 0; i < 8; i++) {
      b.send();
      b.collect(tb, System.nanoTime() + 5 * MS);
      tb.endRound(System.nanoTime());
    }
    assertThat(tb.health())
        .as("g1 (silent, said nothing) is down; g2 (restarting) is not")
        .containsEntry("g1", Health.DOWN)
        .containsEntry("g2", Health.UP);
  }
}
