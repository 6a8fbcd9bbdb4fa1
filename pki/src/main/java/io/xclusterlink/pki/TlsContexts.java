package io.xclusterlink.pki;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server and client TLS contexts of one peer: TLS 1.3 only, mutual, trusting only the fabric
 * CA, ALPN h2, AES-GCM first; BoringSSL when available. Watches its three files and swaps in new
 * contexts when they change and form a valid set. Thread-safe.
 */
public final class TlsContexts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
  static final List<String> CIPHERS =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  private static final ApplicationProtocolConfig ALPN =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          "h2");

  private record Loaded(SslContext server, SslContext client, String peerName, byte[] fingerprint) {}

  private final PeerCredentials creds;
  private final SslProvider provider;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Loaded current;
  private volatile long generation = 1;
  private ScheduledExecutorService watcher;

  private TlsContexts(PeerCredentials creds, SslProvider provider, Loaded loaded) {
    this.creds = creds;
    this.provider = provider;
    this.current = loaded;
  }

  public static TlsContexts load(PeerCredentials creds, boolean preferOpenSsl) {
    SslProvider p = preferOpenSsl && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    return new TlsContexts(creds, p, build(creds, p));
  }

  private static byte[] fingerprint(PeerCredentials c) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Path f : List.of(c.caCert(), c.cert(), c.key())) {
        d.update(Files.readAllBytes(f));
        d.update((byte) 0);
      }
      return d.digest();
    } catch (IOException e) {
      throw new PkiException("cannot read " + e.getMessage() + " (expected: ca.crt, tls.crt, tls.key in the peer folder)", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Loaded build(PeerCredentials c, SslProvider p) {
    byte[] fp = fingerprint(c);
    X509Certificate ca = Pem.readCertificate(c.caCert());
    X509Certificate cert = Pem.readCertificate(c.cert());
    PrivateKey key = Pem.readPrivateKey(c.key());
    if (!FabricCa.matches(cert.getPublicKey(), key)) {
      throw new PkiException(c.key() + ": does not match the certificate " + c.cert() + " (expected: the key of that certificate)");
    }
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException(c.cert() + ": not signed by the fabric CA in " + c.caCert() + " (expected: a certificate from that fabric)");
    }
    try {
      cert.checkValidity();
    } catch (GeneralSecurityException e) {
      throw new PkiException(c.cert() + ": not valid now (" + e.getMessage() + ")");
    }
    String name = PeerIdentity.fromCertificate(cert);
    try {
      SslContext server = SslContextBuilder.forServer(key, cert)
          .trustManager(ca)
          .clientAuth(ClientAuth.REQUIRE)
          .sslProvider(p)
          .protocols("TLSv1.3")
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(ALPN)
          .build();
      SslContext client = SslContextBuilder.forClient()
          .keyManager(key, cert)
          .trustManager(ca)
          .sslProvider(p)
          .protocols("TLSv1.3")
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(ALPN)
          .build();
      return new Loaded(server, client, name, fp);
    } catch (SSLException e) {
      throw new PkiException("cannot build TLS contexts from " + c.cert() + ": " + e.getMessage(), e);
    }
  }

  public SslContext server() {
    return current.server();
  }

  public SslContext client() {
    return current.client();
  }

  public String localPeerName() {
    return current.peerName();
  }

  public long generation() {
    return generation;
  }

  public String provider() {
    return provider == SslProvider.OPENSSL ? "OpenSSL" : "JDK";
  }

  public void addReloadListener(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Reloads when the files changed and form a valid set; a half-written or mismatched set is
   * ignored (one WARN line) and retried on the next call.
   */
  public synchronized boolean reloadIfChanged() {
    byte[] fp;
    try {
      fp = fingerprint(creds);
    } catch (PkiException e) {
      log.warn("credentials not reloaded: {}", e.getMessage());
      return false;
    }
    if (Arrays.equals(fp, current.fingerprint())) {
      return false;
    }
    Loaded next;
    try {
      next = build(creds, provider);
    } catch (PkiException e) {
      log.warn("credentials changed but not reloaded, the previous ones stay in force: {}", e.getMessage());
      return false;
    }
    current = next;
    generation++;
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("reload listener failed: {}", e.toString());
      }
    }
    return true;
  }

  public synchronized void startWatching(Duration interval) {
    if (watcher != null) {
      return;
    }
    watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "xcl-credentials-watch");
      t.setDaemon(true);
      return t;
    });
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }
}
