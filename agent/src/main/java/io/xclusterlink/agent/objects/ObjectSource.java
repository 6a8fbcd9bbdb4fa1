package io.xclusterlink.agent.objects;

import io.xclusterlink.api.AgentMetrics;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.TunnelStatus;
import io.xclusterlink.api.XclObject;
import java.io.IOException;
import java.util.List;

/** Where an agent reads its objects and writes what it publishes and reports: a gateway's store. */
public interface ObjectSource {
  /** Every object of {@code kind}, in every namespace. */
  List<XclObject> list(Kind kind) throws IOException;

  /** Creates or replaces {@code object} (as {@code xcl apply} does). */
  void apply(XclObject object) throws IOException;

  /** Folds this node's report into the tunnel's status. */
  void report(ObjectKey tunnel, TunnelStatus report) throws IOException;

  /**
   * Replaces this node's metrics snapshot, which the gateway keeps in memory (never on disk) and
   * shows on its {@code /metrics}.
   */
  void pushMetrics(AgentMetrics metrics) throws IOException;
}
