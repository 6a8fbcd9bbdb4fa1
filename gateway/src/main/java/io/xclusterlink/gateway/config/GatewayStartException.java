package io.xclusterlink.gateway.config;

/** A gateway could not start; the message is one line saying what and why. */
public class GatewayStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GatewayStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
