package io.xclusterlink.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates a fabric's root CA ({@code DIR/FABRIC/ca.crt, ca.key}) and its peers' credentials ({@code
 * DIR/FABRIC/PEER/ca.crt, tls.crt, tls.key}) and admins' client credentials ({@code
 * DIR/FABRIC/admins/NAME/...}) on disk.
 */
public final class FabricCa {
  static final String CA_CERT_FILE = "ca.crt";
  static final String CA_KEY_FILE = "ca.key";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration PEER_VALIDITY = Duration.ofDays(365);
  static final String ADMINS_DIR = "admins";

  // A certificate made on one host must already be valid on another whose clock is a little behind.
  private static final Duration BACKDATE = Duration.ofHours(1);

  // An instance used explicitly, never registered: the JDK's own providers (and its TLS) stay as
  // they are.
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  // RFC 1123 subdomain, as Kubernetes object names: peer names are Peer object names and DNS SANs.
  private static final Pattern DNS_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int DNS_NAME_MAX = 253;

  private FabricCa() {}

  /**
   * Creates {@code DIR/FABRIC/ca.crt} and {@code DIR/FABRIC/ca.key} (PKCS#8 PEM, mode 0600): a
   * self-signed CA named {@code CN=FABRIC}, valid for 10 years.
   *
   * @return the fabric folder {@code DIR/FABRIC}
   * @throws PkiException when the fabric already exists or the files cannot be written
   */
  public static Path createFabric(Path dir, String fabric, KeyType type) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(type, "type");
    requireName("fabric", fabric);
    Path fabricDir = dir.resolve(fabric);
    Path caCert = fabricDir.resolve(CA_CERT_FILE);
    Path caKey = fabricDir.resolve(CA_KEY_FILE);
    for (Path existing : List.of(caCert, caKey)) {
      if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        throw new PkiException(
            "fabric '"
                + fabric
                + "' already exists: "
                + existing
                + " (expected: no "
                + CA_CERT_FILE
                + " or "
                + CA_KEY_FILE
                + " in "
                + fabricDir
                + ")");
      }
    }
    KeyPair keys = generate(type);
    X500Name name = commonName(fabric);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(CA_VALIDITY)),
            name,
            keys.getPublic());
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      // Path length 0: the fabric CA signs peers only, never another CA.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException(
          "cannot build the CA certificate of fabric '" + fabric + "': " + e.getMessage(), e);
    }
    X509Certificate cert = sign(builder, keys.getPrivate());
    createDirectories(fabricDir);
    // The certificate last: a fabric with ca.crt is complete.
    PemFiles.write(caKey, PemFiles.encode(keys.getPrivate()), true);
    PemFiles.write(caCert, PemFiles.encode(List.of(cert)), false);
    return fabricDir;
  }

  /**
   * Creates the peer folder {@code DIR/FABRIC/PEER} with {@code ca.crt} (a copy of the fabric CA
   * certificate), {@code tls.crt} ({@code CN=PEER}, DNS SAN {@code PEER}, serverAuth and
   * clientAuth, signed by the fabric CA, valid for 1 year) and {@code tls.key} (PKCS#8 PEM, mode
   * 0600). The CA key is read from {@code DIR/FABRIC/ca.key}.
   *
   * @return the peer folder
   * @throws PkiException when the peer already has a {@code tls.crt}, the fabric's CA files are
   *     missing or do not match, or the files cannot be written
   */
  public static Path createPeer(Path dir, String fabric, String peer, KeyType type) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(type, "type");
    requireName("fabric", fabric);
    requireName("peer", peer);
    Path fabricDir = dir.resolve(fabric);
    return issue(
        fabricDir,
        fabric,
        "peer",
        peer,
        fabricDir.resolve(peer),
        type,
        new GeneralName(GeneralName.dNSName, peer),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
  }

  /**
   * Creates the admin folder {@code DIR/FABRIC/admins/NAME} with {@code ca.crt}, {@code tls.crt}
   * and {@code tls.key}: a client certificate of the fabric CA ({@code CN=NAME}, clientAuth only,
   * URI SAN {@code urn:xclusterlink:admin:NAME} and no DNS SAN, valid for 1 year) that a gateway's
   * TCP admin listener accepts as an administrator ({@link AdminIdentity}). It cannot serve as a
   * peer certificate: peers are named by their DNS SAN, which it lacks.
   *
   * @return the admin folder
   * @throws PkiException when the admin already has a {@code tls.crt}, the fabric's CA files are
   *     missing or do not match, or the files cannot be written
   */
  public static Path createAdmin(Path dir, String fabric, String admin, KeyType type) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(type, "type");
    requireName("fabric", fabric);
    requireName("admin", admin);
    Path fabricDir = dir.resolve(fabric);
    return issue(
        fabricDir,
        fabric,
        "admin",
        admin,
        fabricDir.resolve(ADMINS_DIR).resolve(admin),
        type,
        new GeneralName(GeneralName.uniformResourceIdentifier, AdminIdentity.URI_PREFIX + admin),
        new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
  }

  private static Path issue(
      Path fabricDir,
      String fabric,
      String role,
      String name,
      Path peerDir,
      KeyType type,
      GeneralName san,
      KeyPurposeId[] purposes) {
    PeerCredentials out = PeerCredentials.inDir(peerDir);
    if (Files.exists(out.cert(), LinkOption.NOFOLLOW_LINKS)) {
      throw new PkiException(
          role
              + " '"
              + name
              + "' already exists: "
              + out.cert()
              + " (expected: no "
              + PeerCredentials.CERT_FILE
              + " in "
              + peerDir
              + ")");
    }
    Path caCertFile = fabricDir.resolve(CA_CERT_FILE);
    Path caKeyFile = fabricDir.resolve(CA_KEY_FILE);
    String caCertExpected = "the CA certificate of fabric '" + fabric + "'";
    String caKeyExpected = "the CA key of fabric '" + fabric + "'";
    byte[] caCertPem = PemFiles.read(caCertFile, caCertExpected);
    X509Certificate ca = PemFiles.certificates(caCertPem, caCertFile, caCertExpected).get(0);
    PrivateKey caKey =
        PemFiles.privateKey(PemFiles.read(caKeyFile, caKeyExpected), caKeyFile, caKeyExpected);

    Instant now = Instant.now();
    Instant notAfter = now.plus(PEER_VALIDITY);
    // A peer certificate cannot outlive the CA that vouches for it.
    if (ca.getNotAfter().toInstant().isBefore(notAfter)) {
      notAfter = ca.getNotAfter().toInstant();
    }
    if (!notAfter.isAfter(now)) {
      throw new PkiException(
          caCertFile
              + " expired on "
              + ca.getNotAfter().toInstant()
              + " (expected: a valid fabric CA)");
    }
    KeyPair keys = generate(type);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca,
            serial(),
            Date.from(now.minus(BACKDATE)),
            Date.from(notAfter),
            commonName(name),
            keys.getPublic());
    boolean rsa = keys.getPublic().getAlgorithm().equals("RSA");
    int usage = KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException(
          "cannot build the certificate of " + role + " '" + name + "': " + e.getMessage(), e);
    }
    X509Certificate cert = sign(builder, caKey);
    try {
      cert.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new PkiException(
          caKeyFile
              + " does not match "
              + caCertFile
              + " (expected: the key of the fabric CA certificate)",
          e);
    }
    createDirectories(peerDir);
    // tls.crt last: a peer folder with tls.crt is complete.
    PemFiles.write(out.caCert(), caCertPem, false);
    PemFiles.write(out.key(), PemFiles.encode(keys.getPrivate()), true);
    PemFiles.write(out.cert(), PemFiles.encode(List.of(cert)), false);
    return peerDir;
  }

  static void requireName(String what, String value) {
    if (value == null || value.length() > DNS_NAME_MAX || !DNS_NAME.matcher(value).matches()) {
      throw new PkiException(
          what
              + ": "
              + (value == null ? "null" : "'" + value + "'")
              + " (expected: a DNS name of lowercase letters, digits, '-' and '.', at most "
              + DNS_NAME_MAX
              + " characters)");
    }
  }

  private static KeyPair generate(KeyType type) {
    try {
      KeyPairGenerator generator;
      switch (type) {
        case EC_P256 -> {
          generator = KeyPairGenerator.getInstance("EC", BOUNCY_CASTLE);
          generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        }
        case RSA_2048, RSA_3072, RSA_4096 -> {
          generator = KeyPairGenerator.getInstance("RSA", BOUNCY_CASTLE);
          generator.initialize(rsaBits(type), RANDOM);
        }
        default -> throw new IllegalStateException("unknown key type " + type);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate a " + type.id() + " key: " + e.getMessage(), e);
    }
  }

  private static int rsaBits(KeyType type) {
    return switch (type) {
      case RSA_2048 -> 2048;
      case RSA_3072 -> 3072;
      case RSA_4096 -> 4096;
      case EC_P256 -> throw new IllegalArgumentException("not an RSA key type: " + type);
    };
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    String algorithm = signatureAlgorithm(signer);
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(algorithm).setProvider(BOUNCY_CASTLE).build(signer)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new PkiException(
          "cannot sign a certificate with " + algorithm + ": " + e.getMessage(), e);
    }
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new PkiException(
              "CA key algorithm: '" + key.getAlgorithm() + "' (expected: EC or RSA)");
    };
  }

  private static X500Name commonName(String name) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
  }

  // Random and positive, 159 bits: unique without bookkeeping and within the 20 octets RFC 5280
  // allows.
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PkiException("cannot create folder " + dir + ": " + e, e);
    }
  }
}
