package io.xclusterlink.kube.broker;

import io.xclusterlink.api.InvalidObjectException;
import io.xclusterlink.api.Validation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The spec of a {@code GatewayExIp}: where a peer's gateways can be reached from other peers. The
 * compact constructor is the boundary check (for what this peer publishes and for what it reads
 * from the broker), so past it every host is a plausible name or address and the port is in range.
 *
 * @param externalIps the addresses (IPs or host names) other peers dial, at least one
 * @param port the gateway (tunnel) port on every one of them
 * @param globalNetCIDR the peer's global (NAT) range for the network path, or null
 */
public record GatewayExIpSpec(List<String> externalIps, int port, String globalNetCIDR) {
  private static final Pattern CIDR =
      Pattern.compile(
          "(\\d{1,3}(\\.\\d{1,3}){3}/([0-9]|[12][0-9]|3[0-2]))"
              + "|([0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))");

  public GatewayExIpSpec {
    if (externalIps == null || externalIps.isEmpty()) {
      throw new InvalidObjectException(
          "spec.externalIps: missing (expected: at least one host name or IP address)");
    }
    for (int i = 0; i < externalIps.size(); i++) {
      String h = externalIps.get(i);
      if (h == null
          || h.isBlank()
          || h.length() > 253
          || h.chars().anyMatch(Character::isWhitespace)) {
        throw new InvalidObjectException(
            "spec.externalIps[" + i + "]: '" + h + "' (expected: a host name or IP address)");
      }
    }
    externalIps = List.copyOf(externalIps);
    Validation.port("spec.port", port);
    if (globalNetCIDR != null && !CIDR.matcher(globalNetCIDR).matches()) {
      throw new InvalidObjectException(
          "spec.globalNetCIDR: '" + globalNetCIDR + "' (expected: a CIDR such as 242.1.0.0/16)");
    }
  }
}
