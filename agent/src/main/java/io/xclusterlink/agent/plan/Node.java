package io.xclusterlink.agent.plan;

/** The role of the node the plan is for: which gateways it chooses among. */
public sealed interface Node {

  /** The VPC router: sends remote-bound traffic to one of its VPC's gateways. */
  record VpcRouter() implements Node {}

  /** One of the VPC's gateways, by name: sends overlay traffic to one of the remote gateways. */
  record Gateway(String name) implements Node {
    public Gateway {
      Names.require("gateway", name);
    }
  }
}
