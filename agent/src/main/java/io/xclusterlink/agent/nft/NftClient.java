package io.xclusterlink.agent.nft;

import io.xclusterlink.agent.netlink.NetlinkException;
import io.xclusterlink.agent.netlink.NftTables;
import io.xclusterlink.agent.plan.Change;
import io.xclusterlink.agent.plan.KernelObject;
import io.xclusterlink.agent.plan.KernelObject.NatTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the planner's {@link NatTable}s with {@code nft -f -} and reads back which of ours the
 * kernel holds. A load is one nft transaction — declare the table, delete it, create it anew — so
 * the rules are never half replaced. The table carries a comment with a digest of the planner's
 * text: nft prints rules in its own normal form, so the text cannot be compared, the digest can.
 * Reading is over netlink ({@link NftTables}: no fork at an agent's start); loading forks {@code
 * nft} in the calling thread's network namespace (a child inherits it). Stateless.
 */
public final class NftClient {
  private static final String PREFIX = "xcl_nat_";

  /** The comment a loaded table carries (see {@link #withDigest}). */
  private static final Pattern DIGEST = Pattern.compile("xcl:([0-9a-f]+)");

  private static final long TIMEOUT_SECONDS = 10;

  private NftClient() {}

  /**
   * Our tables in the kernel: a table whose digest matches the one {@code desired} holds under its
   * name is reported as that object (equal, so the diff leaves it), any other as a {@link NatTable}
   * whose text says only what was found (so the diff replaces or deletes it).
   */
  public static List<KernelObject> observe(Collection<KernelObject> desired) {
    Map<String, NatTable> wanted = new HashMap<>();
    for (KernelObject o : desired) {
      if (o instanceof NatTable t) {
        wanted.put(t.name(), t);
      }
    }
    List<KernelObject> out = new ArrayList<>();
    Map<String, String> tables;
    try {
      tables = NftTables.ip();
    } catch (NetlinkException e) {
      throw new NftException(e.getMessage());
    }
    tables.forEach(
        (name, comment) -> {
          if (!name.startsWith(PREFIX)) {
            return;
          }
          Matcher d = DIGEST.matcher(comment);
          String digest = d.matches() ? d.group(1) : "none";
          NatTable want = wanted.get(name);
          if (want != null && digest.equals(digest(want.text()))) {
            out.add(want);
          } else {
            out.add(new NatTable(name, "# in the kernel, digest " + digest + "\n"));
          }
        });
    return out;
  }

  /** Applies NAT-table changes, one transaction each. */
  public static void apply(List<Change> changes) {
    for (Change c : changes) {
      NatTable t = (NatTable) c.object();
      String script;
      if (c instanceof Change.Delete) {
        script = "delete table ip " + t.name() + "\n";
      } else {
        script =
            "table ip "
                + t.name()
                + "\ndelete table ip "
                + t.name()
                + "\n"
                + withDigest(t.name(), t.text());
      }
      nft(script, "-f", "-");
    }
  }

  /** The planner's text with the digest comment as the table's first statement. */
  static String withDigest(String name, String text) {
    String head = "table ip " + name + " {\n";
    if (!text.startsWith(head)) {
      throw new IllegalArgumentException(
          "nat table "
              + name
              + ": text starts "
              + text.lines().findFirst().orElse("")
              + " (expected: "
              + head.trim()
              + ")");
    }
    return head + "\tcomment \"xcl:" + digest(text) + "\"\n" + text.substring(head.length());
  }

  static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static String nft(String input, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("nft");
    cmd.addAll(List.of(args));
    String what = String.join(" ", cmd);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (input != null) {
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new NftException(what + ": no answer in " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        String reason = out.trim().lines().findFirst().orElse("exit " + p.exitValue());
        if (reason.contains("Operation not permitted")) {
          reason += " (needs CAP_NET_ADMIN: run as root or grant the capability)";
        }
        throw new NftException(what + ": " + reason);
      }
      return out;
    } catch (IOException e) {
      throw new NftException(
          what + ": " + e.getMessage() + " (expected: nftables installed, for overlapping VPCs)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NftException(what + ": interrupted");
    }
  }
}
