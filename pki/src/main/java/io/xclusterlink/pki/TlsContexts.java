package io.xclusterlink.pki;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and hot-reloads the Netty {@link SslContext}s of one peer: TLS 1.3 only, mutual, trusting
 * only the fabric CA in {@code ca.crt}, ALPN {@code h2}. Thread-safe; the accessors never block.
 */
public final class TlsContexts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  /** TLS 1.3 cipher suites in preference order: AES-GCM first (the JDK's ChaCha20 is slow). */
  static final List<String> CIPHERS =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private static final ApplicationProtocolConfig ALPN =
      new ApplicationProtocolConfig(
          Protocol.ALPN,
          SelectorFailureBehavior.NO_ADVERTISE,
          SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);

  private static final String CA_CERT = "the fabric CA certificate (PEM)";
  private static final String CERT = "the peer certificate (PEM)";
  private static final String KEY = "the peer private key (PEM)";

  private final PeerCredentials credentials;
  private final SslProvider provider;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Generation current;

  // guarded by this
  private String lastRejection;
  private ScheduledExecutorService watcher;
  private boolean closed;

  /** One successfully loaded set of credentials and the contexts built from it. */
  private record Generation(
      long number,
      String peerName,
      SslContext server,
      SslContext client,
      SslContext admin,
      String fingerprint) {}

  /** The three files' bytes as read in one pass, and a digest of them to notice a change. */
  private record Snapshot(byte[] caCert, byte[] cert, byte[] key, String fingerprint) {
    static Snapshot read(PeerCredentials credentials) {
      byte[] caCert = PemFiles.read(credentials.caCert(), CA_CERT);
      byte[] cert = PemFiles.read(credentials.cert(), CERT);
      byte[] key = PemFiles.read(credentials.key(), KEY);
      return new Snapshot(caCert, cert, key, digest(caCert, cert, key));
    }

    private static String digest(byte[]... contents) {
      try {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (byte[] content : contents) {
          // length-prefixed, so that moving bytes from one file to the next is still a change
          sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(content.length).array());
          sha256.update(content);
        }
        return HexFormat.of().formatHex(sha256.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  private TlsContexts(PeerCredentials credentials, SslProvider provider, Generation first) {
    this.credentials = credentials;
    this.provider = provider;
    this.current = first;
  }

  /**
   * Reads and checks a peer's credentials and builds its contexts: with OpenSSL (BoringSSL from
   * netty-tcnative) when {@code preferOpenSsl} and it is available, else with the JDK.
   *
   * @throws PkiException with a one-line message when a file is missing or unreadable, the key does
   *     not match the certificate, the certificate is not signed by {@code ca.crt}, not valid now
   *     or has no DNS SAN
   */
  public static TlsContexts load(PeerCredentials credentials, boolean preferOpenSsl) {
    SslProvider provider =
        preferOpenSsl && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    Generation first = build(credentials, Snapshot.read(credentials), provider, 1);
    log.info(
        "TLS credentials of peer {} loaded from {} ({}, generation 1)",
        first.peerName(),
        folder(credentials),
        providerName(provider));
    return new TlsContexts(credentials, provider, first);
  }

  /** The current server context: TLS 1.3, client certificate required, ALPN {@code h2}. */
  public SslContext server() {
    return current.server();
  }

  /**
   * The current context of the TCP admin listener: this peer's certificate, TLS 1.3, HTTP/1.1, a
   * client certificate of the fabric optional (probes may come without one; the admin API checks it
   * is an {@link AdminIdentity admin certificate} for every route but health and metrics).
   */
  public SslContext adminServer() {
    return current.admin();
  }

  /**
   * The current client context: TLS 1.3, presents this peer's certificate, ALPN {@code h2}. It does
   * not check the server's name itself: callers check it with {@link PeerIdentity#verify}.
   */
  public SslContext client() {
    return current.client();
  }

  /** This peer's name: the first DNS SAN of its current {@code tls.crt}. */
  public String localPeerName() {
    return current.peerName();
  }

  /** 1 for the credentials loaded first, one more for each successful reload. */
  public long generation() {
    return current.number();
  }

  /** {@code "OpenSSL"} (BoringSSL from netty-tcnative) or {@code "JDK"}. */
  public String provider() {
    return providerName(provider);
  }

  /**
   * Adds a listener called after each successful reload, on the thread that reloaded (the watcher
   * thread when {@link #startWatching watching}); {@link #generation()} is already the new one.
   */
  public void addReloadListener(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Reloads the credentials if any of the three files changed (by content). When the new set is
   * valid, new contexts replace the old ones (connections already made keep theirs), the generation
   * goes up and the listeners run. When it is not (half-written, mismatched), one WARN line says
   * why and the previous contexts stay; the next call tries again.
   *
   * @return whether new contexts are in use
   */
  public synchronized boolean reloadIfChanged() {
    if (closed) {
      return false;
    }
    Generation previous = current;
    Snapshot files;
    try {
      files = Snapshot.read(credentials);
    } catch (PkiException e) {
      // Unreadable is not "changed": a missing or mid-replace file, or no file descriptor left
      // (EMFILE under a connection flood) says nothing about the credentials themselves.
      unreadable(e.getMessage());
      return false;
    }
    if (files.fingerprint().equals(previous.fingerprint())) {
      lastRejection = null;
      return false;
    }
    Generation next;
    try {
      next = build(credentials, files, provider, previous.number() + 1);
    } catch (PkiException e) {
      reject(files.fingerprint(), e.getMessage());
      return false;
    }
    current = next;
    lastRejection = null;
    log.info(
        "TLS credentials of peer {} reloaded from {} (generation {})",
        next.peerName(),
        folder(credentials),
        next.number());
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("TLS reload listener {} failed", listener, e);
      }
    }
    return true;
  }

  /**
   * Calls {@link #reloadIfChanged} every {@code interval} on one daemon thread until {@link
   * #close}.
   *
   * @throws IllegalStateException when already watching or closed
   */
  public synchronized void startWatching(Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    if (closed) {
      throw new IllegalStateException("TLS contexts of " + folder(credentials) + " are closed");
    }
    if (watcher != null) {
      throw new IllegalStateException("already watching " + folder(credentials));
    }
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "xcl-tls-watch");
              thread.setDaemon(true);
              return thread;
            });
    long nanos = interval.toNanos();
    watcher.scheduleWithFixedDelay(this::watchOnce, nanos, nanos, TimeUnit.NANOSECONDS);
    log.debug("watching TLS credentials in {} every {}", folder(credentials), interval);
  }

  /** Stops watching; the current contexts stay usable for connections that hold them. */
  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }

  private void watchOnce() {
    try {
      reloadIfChanged();
    } catch (RuntimeException e) {
      // an exception would end the schedule silently; log it and look again next time
      log.warn("checking TLS credentials in {} failed: {}", folder(credentials), e.toString());
    }
  }

  // Every check validates again (cheap), but a bad state gets one WARN, not one per check.
  private void unreadable(String reason) {
    String state = "unreadable: " + reason;
    if (!state.equals(lastRejection)) {
      lastRejection = state;
      log.warn(
          "TLS credentials in {} cannot be checked for changes (keeping generation {}): {}",
          folder(credentials),
          current.number(),
          reason);
    }
  }

  private void reject(String state, String reason) {
    if (!state.equals(lastRejection)) {
      lastRejection = state;
      log.warn(
          "TLS credentials in {} changed but were not reloaded (keeping generation {}): {}",
          folder(credentials),
          current.number(),
          reason);
    }
  }

  private static Generation build(
      PeerCredentials credentials, Snapshot files, SslProvider provider, long number) {
    List<X509Certificate> cas =
        PemFiles.certificates(files.caCert(), credentials.caCert(), CA_CERT);
    List<X509Certificate> chain = PemFiles.certificates(files.cert(), credentials.cert(), CERT);
    PrivateKey key = PemFiles.privateKey(files.key(), credentials.key(), KEY);
    X509Certificate leaf = chain.get(0);
    requireKeyMatches(key, leaf, credentials);
    requireSignedBy(leaf, cas, credentials);
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new PkiException(
          credentials.cert()
              + " is valid from "
              + leaf.getNotBefore().toInstant()
              + " to "
              + leaf.getNotAfter().toInstant()
              + " (expected: valid now)",
          e);
    }
    String peerName;
    try {
      peerName = PeerIdentity.fromCertificate(leaf);
    } catch (PkiException e) {
      throw new PkiException(credentials.cert() + ": " + e.getMessage(), e);
    }
    X509Certificate[] trust = cas.toArray(new X509Certificate[0]);
    try {
      SslContext server =
          SslContextBuilder.forServer(key, chain)
              .sslProvider(provider)
              .protocols(SslProtocols.TLS_v1_3)
              .ciphers(CIPHERS)
              .clientAuth(ClientAuth.REQUIRE)
              .trustManager(trust)
              .applicationProtocolConfig(ALPN)
              .build();
      SslContext client =
          SslContextBuilder.forClient()
              .sslProvider(provider)
              .keyManager(key, chain)
              .protocols(SslProtocols.TLS_v1_3)
              .ciphers(CIPHERS)
              .trustManager(trust)
              // The name check is the caller's, against the Peer it dialed (PeerIdentity.verify),
              // with
              // a message that says which peer answered; the chain is still checked against ca.crt.
              .endpointIdentificationAlgorithm(null)
              .applicationProtocolConfig(ALPN)
              .build();
      SslContext admin =
          SslContextBuilder.forServer(key, chain)
              .sslProvider(provider)
              .protocols(SslProtocols.TLS_v1_3)
              .ciphers(CIPHERS)
              .clientAuth(ClientAuth.OPTIONAL)
              .trustManager(trust)
              .build();
      return new Generation(number, peerName, server, client, admin, files.fingerprint());
    } catch (SSLException | RuntimeException e) {
      throw new PkiException(
          "cannot build TLS contexts from " + folder(credentials) + ": " + e.getMessage(), e);
    }
  }

  private static void requireKeyMatches(
      PrivateKey key, X509Certificate cert, PeerCredentials credentials) {
    String mismatch =
        credentials.key()
            + " does not match "
            + credentials.cert()
            + " (expected: the private key of that certificate)";
    if (!key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
      throw new PkiException(mismatch);
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default ->
              throw new PkiException(
                  credentials.key()
                      + ": key algorithm '"
                      + key.getAlgorithm()
                      + "' (expected: EC or RSA)");
        };
    // Sign and verify a probe: works the same for every key type, unlike comparing key parameters.
    byte[] probe = "xcl key match probe".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new PkiException(mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new PkiException(mismatch, e);
    }
  }

  private static void requireSignedBy(
      X509Certificate cert, List<X509Certificate> cas, PeerCredentials credentials) {
    for (X509Certificate ca : cas) {
      try {
        cert.verify(ca.getPublicKey());
        return;
      } catch (GeneralSecurityException e) {
        // not this one; try the next CA in ca.crt
      }
    }
    throw new PkiException(
        credentials.cert()
            + " is not signed by "
            + credentials.caCert()
            + " (expected: a peer certificate of the fabric whose CA that is)");
  }

  private static Path folder(PeerCredentials credentials) {
    Path absolute = credentials.cert().toAbsolutePath();
    return absolute.getParent() == null ? absolute : absolute.getParent();
  }

  private static String providerName(SslProvider provider) {
    return provider == SslProvider.JDK ? "JDK" : "OpenSSL";
  }
}
