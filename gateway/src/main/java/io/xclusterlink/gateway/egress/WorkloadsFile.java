package io.xclusterlink.gateway.egress;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.policy.AttributeKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Standalone client attributes: a list of CIDR → namespace, service account and labels, read from
 * the {@code --workloads} file. The longest matching prefix wins; no match gives no attributes.
 * Immutable and thread-safe.
 */
public final class WorkloadsFile implements WorkloadResolver {
  /** One entry of the file. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Entry(
      String cidr, String namespace, String serviceAccount, Map<String, String> labels) {}

  record File(List<Entry> workloads) {}

  private record Compiled(byte[] network, int prefix, Map<String, String> attributes) {}

  private final List<Compiled> entries;

  private WorkloadsFile(List<Compiled> entries) {
    this.entries = entries;
  }

  public static WorkloadsFile load(Path file) {
    File f;
    try {
      f =
          new ObjectMapper(new YAMLFactory())
              .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(Files.readString(file), File.class);
    } catch (IOException e) {
      throw new InvalidObjectException(
          "workloads file "
              + file
              + ": "
              + firstLine(e.getMessage())
              + " (expected: workloads: [{cidr, namespace, serviceAccount, labels}])");
    }
    return of(f == null || f.workloads() == null ? List.of() : f.workloads(), file.toString());
  }

  public static WorkloadsFile of(List<Entry> list, String origin) {
    List<Compiled> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Entry e = list.get(i);
      String where = origin + ": workloads[" + i + "].cidr";
      if (e.cidr() == null) {
        throw new InvalidObjectException(where + ": missing (expected: a CIDR such as 10.0.0.0/8)");
      }
      String[] parts = e.cidr().split("/", 2);
      byte[] net;
      try {
        net = InetAddress.getByName(parts[0]).getAddress();
      } catch (UnknownHostException ex) {
        throw new InvalidObjectException(
            where + ": '" + e.cidr() + "' (expected: a CIDR such as 10.0.0.0/8)");
      }
      int prefix;
      try {
        prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
      } catch (NumberFormatException ex) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > net.length * 8) {
        throw new InvalidObjectException(
            where + ": '" + e.cidr() + "' (expected: prefix length 0-" + net.length * 8 + ")");
      }
      out.add(
          new Compiled(
              net,
              prefix,
              AttributeKeys.client(
                  e.namespace(), e.serviceAccount(), e.labels() == null ? Map.of() : e.labels())));
    }
    out.sort(Comparator.comparingInt(Compiled::prefix).reversed());
    return new WorkloadsFile(List.copyOf(out));
  }

  @Override
  public Map<String, String> attributesFor(InetAddress address) {
    if (entries.isEmpty() || address == null) {
      return Map.of();
    }
    byte[] a = address.getAddress();
    for (Compiled c : entries) {
      if (c.network().length == a.length && matches(c.network(), a, c.prefix())) {
        return c.attributes();
      }
    }
    return Map.of();
  }

  private static boolean matches(byte[] net, byte[] addr, int prefix) {
    if (prefix == 0) {
      return true;
    }
    int bits = net.length * 8;
    BigInteger mask =
        BigInteger.ONE
            .shiftLeft(bits)
            .subtract(BigInteger.ONE)
            .shiftRight(bits - prefix)
            .shiftLeft(bits - prefix);
    return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
