package io.xclusterlink.gateway.control;

import io.xclusterlink.api.AccessPolicy;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.PrivilegedAccessPolicy;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;
import io.xclusterlink.policy.PolicySet;
import io.xclusterlink.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access policies (both kinds) into one {@link PolicySet} for the {@link Authorizer}. The set is
 * rebuilt from the store once per burst of changes (coalesced behind them on the control-plane
 * thread), not once per policy. A set that cannot be built leaves the previous one in force and
 * marks the policies changed since the last good set with a failed {@code AccessPolicyValid}.
 */
final class PolicyReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(PolicyReconciler.class);

  private final Store store;
  private final Authorizer authorizer;
  private final StatusWriter status;
  private final Executor controlThread;
  private final AtomicBoolean dirty = new AtomicBoolean();
  // control thread only
  private final Set<ObjectKey> changedSinceGoodSet = new LinkedHashSet<>();
  private final Set<ObjectKey> failed = new LinkedHashSet<>();

  PolicyReconciler(
      Store store, Authorizer authorizer, StatusWriter status, Executor controlThread) {
    this.store = store;
    this.authorizer = authorizer;
    this.status = status;
    this.controlThread = controlThread;
  }

  @Override
  public void reconcile(XclObject object) {
    changedSinceGoodSet.add(object.key());
    scheduleRebuild();
  }

  @Override
  public void remove(XclObject last) {
    changedSinceGoodSet.remove(last.key());
    failed.remove(last.key());
    scheduleRebuild();
  }

  @Override
  public String condition() {
    return Condition.ACCESS_POLICY_VALID;
  }

  private void scheduleRebuild() {
    if (dirty.compareAndSet(false, true)) {
      controlThread.execute(this::rebuild);
    }
  }

  private void rebuild() {
    dirty.set(false);
    Map<ObjectKey, Long> generations = new HashMap<>();
    List<AccessPolicy> regular = new ArrayList<>();
    for (XclObject o : store.list(Kind.ACCESS_POLICY, null)) {
      regular.add((AccessPolicy) o);
      generations.put(o.key(), o.metadata().generation());
    }
    List<PrivilegedAccessPolicy> privileged = new ArrayList<>();
    for (XclObject o : store.list(Kind.PRIVILEGED_ACCESS_POLICY, null)) {
      privileged.add((PrivilegedAccessPolicy) o);
      generations.put(o.key(), o.metadata().generation());
    }
    try {
      authorizer.setPolicies(PolicySet.of(regular, privileged));
    } catch (IllegalArgumentException e) {
      // admission rejects such objects; if one still got in, the previous set stays in force
      log.warn("policies not updated, the previous set stays in force: {}", e.getMessage());
      String message = "not in force, the previous policy set stays: " + e.getMessage();
      for (ObjectKey key : changedSinceGoodSet) {
        Long generation = generations.get(key);
        status.update(
            key,
            condition(),
            s ->
                s.withCondition(
                    Condition.ACCESS_POLICY_VALID,
                    false,
                    Condition.RECONCILE_FAILED,
                    message,
                    generation));
        failed.add(key);
      }
      return;
    }
    for (ObjectKey key : failed) {
      Long generation = generations.get(key);
      if (generation != null) {
        status.update(
            key,
            condition(),
            s ->
                s.withCondition(
                    Condition.ACCESS_POLICY_VALID, true, "InForce", "in force", generation));
      }
    }
    failed.clear();
    changedSinceGoodSet.clear();
    log.debug("policies now {} regular, {} privileged", regular.size(), privileged.size());
  }
}
