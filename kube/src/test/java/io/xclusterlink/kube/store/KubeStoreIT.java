package io.xclusterlink.kube.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Export;
import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectKey;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EventType;
import io.xclusterlink.store.PutResult;
import io.xclusterlink.store.StoreConflictException;
import io.xclusterlink.store.StoreEvent;
import io.xclusterlink.store.StoreListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Store contract over fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubeStoreIT {
  @BeforeAll
  static void patience() {
    // the machines that run these share two cores among many builds
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
  }

  KubernetesClient client;
  KubeStore store;
  final Recorder events = new Recorder();

  @BeforeEach
  void open() {
    store = new KubeStore(client, "shop").start();
    store.addListener(events);
    await().atMost(Duration.ofSeconds(30)).until(store::hasSynced);
    await().atMost(Duration.ofSeconds(30)).until(() -> events.synced.get() == 1);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static Export export(String name, int port) {
    return new Export(
        ObjectMeta.of(name, "shop"), new Export.Spec("127.0.0.1", port), Status.EMPTY);
  }

  @Test
  void putCreatesTheResourceAndListenersSeeItWithItsVersions() {
    PutResult r = store.put(export("web", 8080));

    assertThat(r.outcome()).isEqualTo(PutResult.Outcome.CREATED);
    assertThat(r.object().metadata().resourceVersion()).isNotBlank();
    assertThat(r.object().metadata().generation()).isEqualTo(1L);
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources(KubeObjects.context(Kind.EXPORT))
            .inNamespace("shop")
            .withName("web")
            .get();
    assertThat(((Map<?, ?>) stored.getAdditionalProperties().get("spec")).get("port"))
        .isEqualTo(8080);
    await().untilAsserted(() -> assertThat(store.get(r.object().key())).isPresent());
    assertThat(events.types("web")).containsExactly(EventType.ADDED);
    assertThat(store.put(export("web", 8080)).outcome()).isEqualTo(PutResult.Outcome.UNCHANGED);
  }

  @Test
  void resourcesCreatedThroughTheClientAppearAndGo() {
    client
        .genericKubernetesResources(KubeObjects.context(Kind.IMPORT))
        .inNamespace("shop")
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("xclusterlink.io/v1alpha1")
                .withKind("Import")
                .withNewMetadata()
                .withName("db")
                .withNamespace("shop")
                .endMetadata()
                .withAdditionalProperties(
                    Map.of(
                        "spec",
                        Map.of(
                            "port",
                            5432,
                            "sources",
                            List.of(Map.of("peer", "p0", "exportName", "db")))))
                .build())
        .create();
    ObjectKey key = new ObjectKey(Kind.IMPORT, "shop", "db");
    await().untilAsserted(() -> assertThat(store.get(key)).isPresent());
    Import imp = (Import) store.get(key).orElseThrow();
    assertThat(imp.spec().port()).isEqualTo(5432);
    assertThat(imp.spec().sources().get(0).peer()).isEqualTo("p0");
    assertThat(store.list(Kind.IMPORT, "shop")).hasSize(1);
    assertThat(store.list(Kind.IMPORT, "other")).isEmpty();

    assertThat(store.delete(key)).isTrue();
    await().untilAsserted(() -> assertThat(store.get(key)).isEmpty());
    assertThat(events.types("db")).containsExactly(EventType.ADDED, EventType.DELETED);
    assertThat(store.delete(key)).isFalse();
  }

  @Test
  void aStaleResourceVersionIsAConflict() {
    XclObject first = store.put(export("web", 8080)).object();
    XclObject second =
        store
            .put(export("web", 8081).withMetadata(first.metadata()))
            .object(); // carries the current version: accepted
    assertThat(second.metadata().generation()).isEqualTo(2L);

    assertThatThrownBy(() -> store.put(export("web", 8082).withMetadata(first.metadata())))
        .isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("metadata.resourceVersion " + first.metadata().resourceVersion());
    await()
        .untilAsserted(
            () ->
                assertThat(((Export) store.get(first.key()).orElseThrow()).spec().port())
                    .isEqualTo(8081));
  }

  @Test
  void statusIsPersistedWithObservedGenerationAndSurvivesASpecUpdate() {
    XclObject web = store.put(export("web", 8080)).object();
    await().until(() -> store.get(web.key()).isPresent());

    assertThat(
            store.setStatus(
                web.key(), Status.EMPTY.withCondition(Condition.EXPORT_VALID, true, "R", "m")))
        .isTrue();

    await()
        .untilAsserted(
            () -> {
              XclObject now = store.get(web.key()).orElseThrow();
              Condition c = now.status().condition(Condition.EXPORT_VALID).orElseThrow();
              assertThat(c.isTrue()).isTrue();
              assertThat(c.observedGeneration()).isEqualTo(1L);
              assertThat(now.metadata().generation()).isEqualTo(1L);
            });
    assertThat(events.types("web")).containsExactly(EventType.ADDED, EventType.MODIFIED);

    store.put(export("web", 9090));
    await()
        .untilAsserted(
            () -> {
              XclObject now = store.get(web.key()).orElseThrow();
              assertThat(now.metadata().generation()).isEqualTo(2L);
              assertThat(now.status().condition(Condition.EXPORT_VALID)).isPresent();
            });
    assertThat(store.setStatus(new ObjectKey(Kind.EXPORT, "shop", "none"), Status.EMPTY)).isFalse();
  }

  @Test
  void aLateListenerGetsTheCurrentObjectsThenSynced() {
    store.put(export("a", 1));
    store.put(export("b", 2));
    await().until(() -> store.list(Kind.EXPORT, null).size() == 2);
    Recorder late = new Recorder();
    store.addListener(late);
    await().until(() -> late.synced.get() == 1);
    assertThat(late.names()).containsExactly("a", "b");
  }

  @Test
  void anObjectThatDoesNotFitIsIgnored() {
    client
        .genericKubernetesResources(KubeObjects.context(Kind.EXPORT))
        .inNamespace("shop")
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("xclusterlink.io/v1alpha1")
                .withKind("Export")
                .withNewMetadata()
                .withName("odd")
                .withNamespace("shop")
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("colour", "blue")))
                .build())
        .create();
    store.put(export("fine", 1));
    await().until(() -> store.get(new ObjectKey(Kind.EXPORT, "shop", "fine")).isPresent());
    assertThat(store.get(new ObjectKey(Kind.EXPORT, "shop", "odd"))).isEmpty();
  }

  /** Records what a listener receives. */
  static final class Recorder implements StoreListener {
    final List<StoreEvent> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger synced = new AtomicInteger();

    @Override
    public void onEvent(StoreEvent event) {
      seen.add(event);
    }

    @Override
    public void onSynced() {
      synced.incrementAndGet();
    }

    List<EventType> types(String name) {
      return seen.stream()
          .filter(e -> e.object().metadata().name().equals(name))
          .map(StoreEvent::type)
          .toList();
    }

    List<String> names() {
      return seen.stream().map(e -> e.object().metadata().name()).toList();
    }
  }
}
