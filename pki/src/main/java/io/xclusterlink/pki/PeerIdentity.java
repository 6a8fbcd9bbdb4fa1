package io.xclusterlink.pki;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A peer's name as its certificate states it: the first DNS subject alternative name. */
public final class PeerIdentity {
  private static final int DNS_NAME = 2;

  private PeerIdentity() {}

  /**
   * The first DNS SAN of a certificate.
   *
   * @throws PkiException when the certificate has none
   */
  public static String fromCertificate(X509Certificate cert) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new PkiException(
          "certificate '"
              + cert.getSubjectX500Principal().getName()
              + "' has an unreadable subject alternative name extension: "
              + e.getMessage(),
          e);
    }
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() >= 2
            && Integer.valueOf(DNS_NAME).equals(name.get(0))
            && name.get(1) instanceof String dns) {
          return dns;
        }
      }
    }
    throw new PkiException(
        "certificate '"
            + cert.getSubjectX500Principal().getName()
            + "' has no DNS subject alternative name (expected: the peer name as a DNS SAN)");
  }

  /**
   * The identity of the remote side of a TLS session, from its first (leaf) certificate.
   *
   * @throws PkiException when the remote side presented no certificate or one without a DNS SAN
   */
  public static String fromSession(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new PkiException(
          "the remote side presented no verified certificate (expected: a peer certificate of the fabric)",
          e);
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new PkiException(
          "the remote side presented no X.509 certificate (expected: a peer certificate of the fabric)");
    }
    return fromCertificate(leaf);
  }

  /**
   * Checks that the remote side of a TLS session is the expected peer.
   *
   * @throws PkiException {@code peer certificate names 'x' (expected: 'y')} when it is another one
   */
  public static void verify(SSLSession session, String expectedPeer) {
    String actual = fromSession(session);
    if (!actual.equals(expectedPeer)) {
      throw new PkiException(
          "peer certificate names '" + actual + "' (expected: '" + expectedPeer + "')");
    }
  }
}
