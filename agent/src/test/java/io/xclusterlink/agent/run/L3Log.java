package io.xclusterlink.agent.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logger the L3 ITs write their figures to. */
final class L3Log {
  static final Logger log = LoggerFactory.getLogger("io.xclusterlink.agent.it");

  private L3Log() {}
}
