package io.xclusterlink.agent.nft;

/** nft refused a table or could not run; the message names the command and nft's first line. */
public final class NftException extends RuntimeException {
  NftException(String message) {
    super(message);
  }
}
