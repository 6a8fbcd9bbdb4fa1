package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.xclusterlink.pki.TestFabrics.Provider;
import io.xclusterlink.pki.TlsEchoClient.Exchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsReloadIT {
  static EventLoopGroup group;
  @TempDir Path dir;
  Path east;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void createFabrics() {
    TestFabrics.create(dir, "acme", KeyType.EC_P256, "east", "west");
    TestFabrics.create(dir, "rogue", KeyType.EC_P256, "east", "west");
    east = dir.resolve("acme/east");
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void newHandshakesUseReplacedCredentials(Provider provider) throws Exception {
    try (TlsContexts tls = provider.load(east);
        TlsContexts acmeWest = provider.load(dir.resolve("acme/west"));
        TlsContexts rogueWest = provider.load(dir.resolve("rogue/west"));
        TlsEchoServer server = new TlsEchoServer(group, tls::server);
        TlsEchoServer rogueServer = new TlsEchoServer(group, rogueWest::server)) {
      AtomicInteger reloads = new AtomicInteger();
      tls.addReloadListener(reloads::incrementAndGet);
      assertThat(exchange(acmeWest, server).echo()).isEqualTo(TlsEchoClient.LINE);
      assertThat(exchange(rogueWest, server).echo()).isNull();

      TestFabrics.replaceCredentials(dir.resolve("rogue/east"), east);

      assertThat(tls.reloadIfChanged()).isTrue();
      assertThat(tls.generation()).isEqualTo(2);
      assertThat(reloads).hasValue(1);
      assertThat(tls.localPeerName()).isEqualTo("east");
      server.nextHandshake();
      server.nextHandshake();
      assertThat(exchange(acmeWest, server).echo()).as("a peer of the old fabric").isNull();
      assertThat(server.nextHandshake().succeeded()).isFalse();
      Exchange fromRogue = exchange(rogueWest, server);
      assertThat(fromRogue.echo()).as("a peer of the new fabric").isEqualTo(TlsEchoClient.LINE);
      assertThat(server.nextHandshake().remotePeer()).isEqualTo("west");
      // the client context follows too: east now dials peers of the new fabric
      Exchange outbound = TlsEchoClient.exchange(group, tls.client(), "west", rogueServer.port());
      assertThat(outbound.echo()).isEqualTo(TlsEchoClient.LINE);
      assertThat(rogueServer.nextHandshake().remotePeer()).isEqualTo("east");
    }
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void keepsWorkingContextsWhenReplacementKeyIsHalfWritten(Provider provider) throws Exception {
    try (TlsContexts tls = provider.load(east);
        TlsContexts acmeWest = provider.load(dir.resolve("acme/west"));
        TlsEchoServer server = new TlsEchoServer(group, tls::server)) {
      byte[] key = Files.readAllBytes(dir.resolve("rogue/east/tls.key"));
      Files.write(east.resolve("tls.key"), Arrays.copyOf(key, key.length / 2));

      assertThat(tls.reloadIfChanged()).isFalse();

      assertThat(tls.generation()).isEqualTo(1);
      Exchange exchange = exchange(acmeWest, server);
      assertThat(exchange.echo()).isEqualTo(TlsEchoClient.LINE);
      assertThat(server.nextHandshake().remotePeer()).isEqualTo("west");
      Exchange outbound = exchange(tls, server);
      assertThat(outbound.echo())
          .as("east's client context still presents the old certificate")
          .isEqualTo(TlsEchoClient.LINE);
    }
  }

  private Exchange exchange(TlsContexts client, TlsEchoServer server) throws Exception {
    return TlsEchoClient.exchange(group, client.client(), "east", server.port());
  }
}
