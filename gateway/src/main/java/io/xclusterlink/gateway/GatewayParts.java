package io.xclusterlink.gateway;

import io.xclusterlink.admin.Admission;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Validation;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.config.GatewayConfig;
import io.xclusterlink.gateway.config.GatewayStartException;
import io.xclusterlink.gateway.control.Leadership;
import io.xclusterlink.gateway.egress.WorkloadResolver;
import io.xclusterlink.gateway.egress.WorkloadsFile;
import io.xclusterlink.gateway.ingress.BackendResolver;
import io.xclusterlink.store.EmbeddedStore;
import io.xclusterlink.store.Store;
import io.xclusterlink.store.StoreException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a gateway is handed rather than makes, so that the same gateway runs standalone and on
 * Kubernetes: where its objects are stored (opened when the gateway starts, closed when it stops),
 * how an incoming object is admitted, who the clients of its imports are, and whether this replica
 * is the one that writes.
 *
 * <p>Several replicas of one peer's gateway may share a store (Kubernetes: one Deployment, the CRDs
 * through the API server). All of them reconcile every object: they open a listener for each import
 * that has a {@code targetPort}, heartbeat every peer and authorize tunnels alike. Only the replica
 * whose {@link Leadership#isLeader()} is true writes status and allocates (and writes back) the
 * target port of an import that has none; the others would race it. A Kubernetes caller backs
 * {@code leadership} with a Lease-based leader election and calls the {@link
 * Leadership#onChange(Runnable) change callbacks} when it gains or loses the lease; the control
 * plane then reconciles every object again, so a new leader writes the status and ports its
 * predecessor left. Standalone, the gateway is always the leader ({@link Leadership#ALWAYS}).
 *
 * @param store opens the store; called once by {@link Gateway#start()}, which then owns it
 * @param admission the admission of the admin API, over the opened store
 * @param workloads the client attributes; called once by {@link Gateway#start()}
 * @param leadership whether this replica writes status and allocates import ports
 * @param backends where an export's backend is (its host, or on Kubernetes its Service)
 */
public record GatewayParts(
    Supplier<Store> store,
    Function<Store, Admission> admission,
    Supplier<WorkloadResolver> workloads,
    Leadership leadership,
    BackendResolver backends) {

  public GatewayParts {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(admission, "admission");
    Objects.requireNonNull(workloads, "workloads");
    Objects.requireNonNull(leadership, "leadership");
    Objects.requireNonNull(backends, "backends");
  }

  /** Parts of a replica whose exports name their hosts. */
  public GatewayParts(
      Supplier<Store> store,
      Function<Store, Admission> admission,
      Supplier<WorkloadResolver> workloads,
      Leadership leadership) {
    this(store, admission, workloads, leadership, BackendResolver.SPEC);
  }

  /** Parts of a replica that is always the leader (one gateway per peer). */
  public GatewayParts(
      Supplier<Store> store,
      Function<Store, Admission> admission,
      Supplier<WorkloadResolver> workloads) {
    this(store, admission, workloads, Leadership.ALWAYS);
  }

  /** The same parts, with another leadership. */
  public GatewayParts withLeadership(Leadership next) {
    return new GatewayParts(store, admission, workloads, next, backends);
  }

  /**
   * Standalone: the embedded store in {@code config.stateDir()}, validation for standalone mode (an
   * Export needs its host), and client attributes from the {@code --workloads} file if any.
   */
  public static GatewayParts standalone(GatewayConfig config) {
    return new GatewayParts(
        () -> {
          try {
            return EmbeddedStore.open(config.stateDir());
          } catch (StoreException e) {
            throw new GatewayStartException(e.getMessage(), e);
          }
        },
        StandaloneAdmission::new,
        () ->
            config.workloadsFile() == null
                ? WorkloadResolver.NONE
                : WorkloadsFile.load(config.workloadsFile()));
  }

  /** Validation for standalone mode; an import re-applied without its port keeps the one it has. */
  private record StandaloneAdmission(Store store) implements Admission {
    @Override
    public XclObject admit(XclObject incoming) {
      Validation.validate(incoming, true);
      if (incoming instanceof Import imp && imp.spec().targetPort() == null) {
        return store
            .get(imp.key())
            .map(o -> ((Import) o).spec().targetPort())
            .map(p -> (XclObject) imp.withSpec(imp.spec().withTargetPort(p)))
            .orElse(incoming);
      }
      return incoming;
    }
  }
}
