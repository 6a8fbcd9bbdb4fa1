package io.xclusterlink.agent.plan;

/** A gateway's health as the probes last judged it. */
public enum Health {
  UP,
  DOWN
}
