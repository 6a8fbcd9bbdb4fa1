package io.xclusterlink.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.xclusterlink.pki.TestFabrics.Provider;
import io.xclusterlink.pki.TlsEchoClient.Exchange;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TlsHandshakeIT {
  static EventLoopGroup group;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    TestFabrics.create(dir, "acme", KeyType.EC_P256, "east", "west");
    TestFabrics.create(dir, "rogue", KeyType.EC_P256, "east", "west");
    TestFabrics.create(dir, "rsa", KeyType.RSA_2048, "east", "west");
    // a fabric of the same name made elsewhere: its certificates name the same issuer, CN=acme
    TestFabrics.create(dir.resolve("elsewhere"), "acme", KeyType.EC_P256, "east", "west");
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static Stream<Arguments> serverAndClient() {
    return Stream.of(Provider.values())
        .flatMap(s -> Stream.of(Provider.values()).map(c -> arguments(s, c)));
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("serverAndClient")
  void completesMutualTls13HandshakeWithinFabric(Provider serverProvider, Provider clientProvider)
      throws Exception {
    try (TlsContexts east = serverProvider.load(dir.resolve("acme/east"));
        TlsContexts west = clientProvider.load(dir.resolve("acme/west"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {

      Exchange exchange = TlsEchoClient.exchange(group, west.client(), "east", server.port());

      Handshake client = exchange.handshake();
      assertThat(client.succeeded()).as("client handshake: %s", client.cause()).isTrue();
      assertThat(client.protocol()).isEqualTo("TLSv1.3");
      assertThat(client.alpn()).isEqualTo("h2");
      assertThat(client.cipher()).isEqualTo("TLS_AES_128_GCM_SHA256");
      assertThat(client.remotePeer()).isEqualTo("east");
      PeerIdentity.verify(client.session(), "east");
      Handshake accepted = server.nextHandshake();
      assertThat(accepted.succeeded()).as("server handshake: %s", accepted.cause()).isTrue();
      assertThat(accepted.protocol()).isEqualTo("TLSv1.3");
      assertThat(accepted.alpn()).isEqualTo("h2");
      assertThat(PeerIdentity.fromSession(accepted.session())).isEqualTo("west");
      assertThat(exchange.echo()).isEqualTo(TlsEchoClient.LINE);
    }
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void completesHandshakeWithRsaKeys(Provider provider) throws Exception {
    try (TlsContexts east = provider.load(dir.resolve("rsa/east"));
        TlsContexts west = provider.load(dir.resolve("rsa/west"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {

      Exchange exchange = TlsEchoClient.exchange(group, west.client(), "east", server.port());

      assertThat(exchange.handshake().succeeded())
          .as("client handshake: %s", exchange.handshake().cause())
          .isTrue();
      assertThat(server.nextHandshake().remotePeer()).isEqualTo("west");
      assertThat(exchange.echo()).isEqualTo(TlsEchoClient.LINE);
    }
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("serverAndClient")
  void refusesPeerFromAnotherFabricAtHandshake(Provider serverProvider, Provider clientProvider)
      throws Exception {
    try (TlsContexts east = serverProvider.load(dir.resolve("acme/east"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {
      // The impostor trusts acme's CA (it is no secret) and presents a certificate whose issuer is
      // also named CN=acme, so it is sent: only the server's signature check can stop it.
      SslContext impostor =
          TestFabrics.clientTrusting(
              dir.resolve("acme/ca.crt"), dir.resolve("elsewhere/acme/west"), clientProvider);

      Exchange exchange = TlsEchoClient.exchange(group, impostor, "east", server.port());

      Handshake accepted = server.nextHandshake();
      assertThat(accepted.succeeded()).isFalse();
      assertThat(accepted.cause()).isInstanceOf(SSLException.class);
      // In TLS 1.3 the client may finish its side first; the server's alert then ends the
      // connection.
      assertThat(exchange.echo()).isNull();
    }
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("serverAndClient")
  void refusesClientWithoutCertificateOfTheFabric(Provider serverProvider, Provider clientProvider)
      throws Exception {
    try (TlsContexts east = serverProvider.load(dir.resolve("acme/east"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {
      // the server asks for a certificate issued by CN=acme; this client has none and sends nothing
      SslContext stranger =
          TestFabrics.clientTrusting(
              dir.resolve("acme/ca.crt"), dir.resolve("rogue/west"), clientProvider);

      Exchange exchange = TlsEchoClient.exchange(group, stranger, "east", server.port());

      assertThat(server.nextHandshake().succeeded()).isFalse();
      assertThat(exchange.echo()).isNull();
    }
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("serverAndClient")
  void refusesPeerOfAnotherFabricThatTrustsOnlyItsOwnCa(
      Provider serverProvider, Provider clientProvider) throws Exception {
    try (TlsContexts east = serverProvider.load(dir.resolve("acme/east"));
        TlsContexts rogue = clientProvider.load(dir.resolve("rogue/west"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {

      Exchange exchange = TlsEchoClient.exchange(group, rogue.client(), "east", server.port());

      assertThat(exchange.handshake().succeeded()).isFalse();
      assertThat(server.nextHandshake().succeeded()).isFalse();
      assertThat(exchange.echo()).isNull();
    }
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("serverAndClient")
  void refusesServerFromAnotherFabricAtHandshake(Provider serverProvider, Provider clientProvider)
      throws Exception {
    try (TlsContexts impostor = serverProvider.load(dir.resolve("elsewhere/acme/east"));
        TlsContexts west = clientProvider.load(dir.resolve("acme/west"));
        TlsEchoServer server = new TlsEchoServer(group, impostor::server)) {

      Exchange exchange = TlsEchoClient.exchange(group, west.client(), "east", server.port());

      assertThat(exchange.handshake().succeeded()).isFalse();
      assertThat(exchange.handshake().cause()).isInstanceOf(SSLHandshakeException.class);
      assertThat(exchange.echo()).isNull();
      assertThat(server.nextHandshake().succeeded()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void verifyDetectsServerWhoseNameIsNotTheExpectedPeer(Provider provider) throws Exception {
    try (TlsContexts east = provider.load(dir.resolve("acme/east"));
        TlsContexts west = provider.load(dir.resolve("acme/west"));
        TlsEchoServer server = new TlsEchoServer(group, east::server)) {

      // west dials "north", but the gateway at that address is east, of the same fabric
      Exchange exchange = TlsEchoClient.exchange(group, west.client(), "north", server.port());

      assertThat(exchange.handshake().succeeded()).isTrue();
      assertThatThrownBy(() -> PeerIdentity.verify(exchange.handshake().session(), "north"))
          .isInstanceOf(PkiException.class)
          .hasMessage("peer certificate names 'east' (expected: 'north')");
    }
  }
}
