package io.xclusterlink.cli.pki;

import static io.xclusterlink.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.xclusterlink.cli.CliRun.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateFabricCommandTest {
  @TempDir Path dir;

  @Test
  void createsAFabricAndPeerCredentials() {
    Result fabric = run("fabric", "create", "--name", "demo", "--dir", dir.toString());
    Result peer =
        run("peer-cert", "create", "--fabric", "demo", "--name", "east", "--dir", dir.toString());

    assertThat(fabric.exitCode()).as(fabric.err()).isZero();
    assertThat(fabric.out()).startsWith("fabric demo created");
    assertThat(dir.resolve("demo/ca.crt")).isRegularFile();
    assertThat(dir.resolve("demo/ca.key")).isRegularFile();
    assertThat(peer.exitCode()).as(peer.err()).isZero();
    assertThat(peer.out()).startsWith("peer east of fabric demo created");
    assertThat(dir.resolve("demo/east/ca.crt")).isRegularFile();
    assertThat(dir.resolve("demo/east/tls.crt")).isRegularFile();
    assertThat(dir.resolve("demo/east/tls.key")).isRegularFile();
  }

  @Test
  void createsRsaKeysWhenAsked() {
    Result fabric =
        run("fabric", "create", "--name", "rsa", "--dir", dir.toString(), "--key-type", "rsa-2048");
    Result peer =
        run(
            "peer-cert",
            "create",
            "--fabric",
            "rsa",
            "--name",
            "west",
            "--dir",
            dir.toString(),
            "--key-type",
            "rsa-2048");

    assertThat(fabric.exitCode()).as(fabric.err()).isZero();
    assertThat(peer.exitCode()).as(peer.err()).isZero();
    assertThat(dir.resolve("rsa/west/tls.key")).isRegularFile();
  }

  @Test
  void peerOfAMissingFabricIsAnErrorInOneLine() {
    Result r =
        run("peer-cert", "create", "--fabric", "nope", "--name", "east", "--dir", dir.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("xcl: ").doesNotContain("internal error").hasLineCount(1);
  }

  @Test
  void unknownKeyTypeIsAUsageErrorListingTheChoices() {
    Result r =
        run("fabric", "create", "--name", "demo", "--dir", dir.toString(), "--key-type", "dsa");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("'dsa' (expected one of: ec-p256, rsa-2048, rsa-3072, rsa-4096)")
        .hasLineCount(1);
  }
}
