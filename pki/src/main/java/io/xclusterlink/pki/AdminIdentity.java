package io.xclusterlink.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An administrator's name as an admin certificate of the fabric states it: the URI SAN {@code
 * urn:xclusterlink:admin:NAME}, on a certificate that has no DNS SAN (so that no peer certificate
 * is an admin certificate, and no admin certificate names a peer).
 */
public final class AdminIdentity {
  /** The URI SAN that marks an admin certificate, followed by the admin's name. */
  public static final String URI_PREFIX = "urn:xclusterlink:admin:";

  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private AdminIdentity() {}

  /**
   * The admin name of a certificate whose chain the caller has already verified against the fabric
   * CA; empty when it is not an admin certificate (a peer certificate, or any other).
   */
  public static Optional<String> fromCertificate(X509Certificate cert) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    String admin = null;
    for (List<?> name : names) {
      if (name.size() < 2) {
        continue;
      }
      if (Integer.valueOf(DNS_NAME).equals(name.get(0))) {
        return Optional.empty();
      }
      if (Integer.valueOf(URI).equals(name.get(0))
          && name.get(1) instanceof String uri
          && uri.startsWith(URI_PREFIX)
          && uri.length() > URI_PREFIX.length()) {
        admin = uri.substring(URI_PREFIX.length());
      }
    }
    return Optional.ofNullable(admin);
  }
}
