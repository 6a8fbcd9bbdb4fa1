package io.xclusterlink.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates a fabric's root CA and its peers' certificates as PEM files:
 * {@code DIR/FABRIC/{ca.crt,ca.key}} and {@code DIR/FABRIC/PEER/{ca.crt,tls.crt,tls.key}}.
 */
public final class FabricCa {
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration PEER_VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  private FabricCa() {}

  /** Creates {@code DIR/FABRIC/ca.crt} and {@code ca.key} (0600); refuses if the CA exists. */
  public static Path createFabric(Path dir, String fabric, KeyType type) {
    checkName("fabric name", fabric);
    Path fdir = dir.resolve(fabric);
    if (Files.exists(fdir.resolve("ca.crt"))) {
      throw new PkiException("fabric " + fabric + " already exists in " + fdir + " (expected: a new fabric name or --dir)");
    }
    KeyPair kp = generate(type);
    X500Name name = new X500Name("CN=" + fabric + ",O=X-ClusterLink fabric");
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(CA_VALIDITY)), name, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, kp.getPrivate(), type);
      Files.createDirectories(fdir);
      Pem.write(fdir.resolve("ca.key"), Pem.encode(kp.getPrivate()), true);
      Pem.write(fdir.resolve("ca.crt"), Pem.encode(cert), false);
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot create fabric " + fabric + ": " + e.getMessage(), e);
    }
    return fdir;
  }

  /**
   * Creates the peer folder with a copy of the CA certificate and a certificate whose DNS SAN is
   * the peer name, signed by the fabric CA; refuses if the peer's certificate exists.
   */
  public static Path createPeer(Path dir, String fabric, String peer, KeyType type) {
    checkName("peer name", peer);
    Path fdir = dir.resolve(fabric);
    Path caCrt = fdir.resolve("ca.crt");
    Path caKey = fdir.resolve("ca.key");
    if (!Files.exists(caCrt) || !Files.exists(caKey)) {
      throw new PkiException("fabric " + fabric + " not found in " + fdir + " (expected: ca.crt and ca.key; run `xcl fabric create` first)");
    }
    Path pdir = fdir.resolve(peer);
    if (Files.exists(pdir.resolve("tls.crt"))) {
      throw new PkiException("peer " + peer + " already has a certificate in " + pdir + " (expected: a new peer name)");
    }
    X509Certificate ca = Pem.readCertificate(caCrt);
    PrivateKey caPrivate = Pem.readPrivateKey(caKey);
    KeyType caType = caPrivate.getAlgorithm().equals("RSA") ? KeyType.RSA_2048 : KeyType.EC_P256;
    KeyPair kp = generate(type);
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(PEER_VALIDITY)), new X500Name("CN=" + peer), kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, peer)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      X509Certificate cert = sign(b, caPrivate, caType);
      Files.createDirectories(pdir);
      Pem.write(pdir.resolve("tls.key"), Pem.encode(kp.getPrivate()), true);
      Pem.write(pdir.resolve("tls.crt"), Pem.encode(cert), false);
      Pem.write(pdir.resolve("ca.crt"), Files.readString(caCrt), false);
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot create peer " + peer + ": " + e.getMessage(), e);
    }
    return pdir;
  }

  private static void checkName(String what, String name) {
    if (name == null || !name.matches("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?")) {
      throw new PkiException(what + ": '" + name + "' (expected: a DNS name of lower-case letters, digits, '-' and '.', at most 63 characters)");
    }
  }

  private static KeyPair generate(KeyType type) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(type.algorithm);
      if (type == KeyType.EC_P256) {
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        g.initialize(type.bits, RANDOM);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate a " + type.text() + " key: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, KeyType type) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(type.signature).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  static boolean matches(PublicKey pub, PrivateKey priv) {
    try {
      String alg = priv.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(priv);
      byte[] data = "xcl-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      s.update(data);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(data);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
