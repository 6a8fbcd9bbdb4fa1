package io.xclusterlink.gateway.control;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.gateway.access.Authorizer;

/** Exports into the {@link Authorizer}, which the ingress side reads per tunnel. */
final class ExportReconciler implements Reconciler {
  private final Authorizer authorizer;
  private final StatusWriter status;

  ExportReconciler(Authorizer authorizer, StatusWriter status) {
    this.authorizer = authorizer;
    this.status = status;
  }

  @Override
  public void reconcile(XclObject object) {
    Export e = (Export) object;
    authorizer.putExport(e);
    Long generation = e.metadata().generation();
    String message = "backend " + e.spec().host() + ":" + e.spec().port();
    status.update(
        e.key(),
        condition(),
        s -> s.withCondition(Condition.EXPORT_VALID, true, "BackendSet", message, generation));
  }

  @Override
  public void remove(XclObject last) {
    authorizer.removeExport(last.metadata().namespace(), last.metadata().name());
  }

  @Override
  public String condition() {
    return Condition.EXPORT_VALID;
  }
}
