package io.xclusterlink.gateway.tunnel;

import io.xclusterlink.gateway.tunnel.TunnelProtocol.Refusal;

/** The remote gateway answered a tunnel request with a refusal and its reason. */
public final class TunnelRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Refusal refusal;

  public TunnelRefusedException(Refusal refusal, String reason) {
    super(reason, null, false, false);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
