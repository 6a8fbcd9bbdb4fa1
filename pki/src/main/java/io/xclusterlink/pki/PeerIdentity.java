package io.xclusterlink.pki;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A peer's identity is the first DNS SAN of its certificate, and nothing it says. */
public final class PeerIdentity {
  private static final int DNS = 2;

  private PeerIdentity() {}

  public static String fromCertificate(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(DNS).equals(san.get(0))) {
            return String.valueOf(san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new PkiException("certificate " + cert.getSubjectX500Principal() + ": unreadable subject alternative names", e);
    }
    throw new PkiException("certificate " + cert.getSubjectX500Principal() + " has no DNS SAN (expected: the peer name)");
  }

  public static String fromSession(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
        throw new PkiException("the remote side presented no X.509 certificate");
      }
      return fromCertificate(x);
    } catch (SSLPeerUnverifiedException e) {
      throw new PkiException("the remote side presented no certificate", e);
    }
  }

  public static void verify(SSLSession session, String expectedPeer) {
    String actual = fromSession(session);
    if (!actual.equals(expectedPeer)) {
      throw new PkiException("peer certificate names '" + actual + "' (expected: '" + expectedPeer + "')");
    }
  }
}
