package io.xclusterlink.cli.pki;

import io.xclusterlink.pki.KeyType;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that every certificate-creating command shares: where the fabric lives and the key
 * type.
 */
public final class CertificateOptions {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Folder that holds the fabric's folder (default: the current folder).")
  Path dir;

  @Option(
      names = "--key-type",
      paramLabel = "TYPE",
      defaultValue = "ec-p256",
      converter = KeyTypeConverter.class,
      description = "Key type: " + KeyTypeConverter.EXPECTED + " (default: ${DEFAULT-VALUE}).")
  KeyType keyType;
}
