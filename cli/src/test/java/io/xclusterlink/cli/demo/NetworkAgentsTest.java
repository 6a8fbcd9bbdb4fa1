package io.xclusterlink.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkAgentsTest {
  @Test
  void startsAgentsThroughTheLauncherBesideTheJarWhenThereIsOne(@TempDir Path root)
      throws Exception {
    Path jar = root.resolve("cli/target/xcl.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    assertThat(NetworkAgents.launcher(jar)).as("no launcher yet").isEmpty();

    Path xcl = root.resolve("xcl");
    Files.writeString(xcl, "#!/bin/sh\n");
    assertThat(NetworkAgents.launcher(jar)).as("not executable").isEmpty();
    Files.setPosixFilePermissions(xcl, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(NetworkAgents.launcher(jar)).contains(xcl);

    // run from classes (tests) or another jar: this JVM's class path instead
    assertThat(NetworkAgents.launcher(root.resolve("cli/target/classes"))).isEmpty();
    assertThat(NetworkAgents.launcher(root.resolve("cli/target/other.jar"))).isEmpty();
    assertThat(NetworkAgents.launcher(null)).isEmpty();
  }
}
