package io.xclusterlink.agent.objects;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel has a module the tunnel type needs: {@code /sys/module/NAME} exists for a
 * loaded module or a built-in one. The agent never loads modules (that needs more than
 * CAP_NET_ADMIN); it names the missing one instead.
 */
public final class KernelModules {
  private final Path sysModule;

  public KernelModules(Path sysModule) {
    this.sysModule = sysModule;
  }

  public static KernelModules system() {
    return new KernelModules(Path.of("/sys/module"));
  }

  public boolean present(String module) {
    return Files.isDirectory(sysModule.resolve(module));
  }

  /** The module a tunnel type needs: {@code vxlan} or {@code ip_gre}. */
  public static String moduleFor(String type) {
    return "gre".equals(type) ? "ip_gre" : "vxlan";
  }
}
