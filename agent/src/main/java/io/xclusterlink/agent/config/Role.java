package io.xclusterlink.agent.config;

/** The {@code role} of the node in the config file. */
enum Role {
  ROUTER,
  GATEWAY
}
