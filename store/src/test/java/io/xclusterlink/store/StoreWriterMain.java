package io.xclusterlink.store;

import io.xclusterlink.api.Condition;
import io.xclusterlink.api.Status;
import io.xclusterlink.api.XclObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes to a state directory as fast as it can, for a bounded number of rounds, so that a test can
 * kill it with SIGKILL in the middle of a write. Usage: {@code StoreWriterMain <state dir>}.
 */
public final class StoreWriterMain {
  static final int ROUNDS = 200_000;
  static final int NAMES = 40;

  private StoreWriterMain() {}

  public static void main(String[] args) {
    try (EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]))) {
      for (int i = 0; i < ROUNDS; i++) {
        String name = "imp-" + (i % NAMES);
        store.put(SampleObjects.importOf("ns-" + (i % 3), name, 1 + (i % 65535)));
        if (i % 7 == 0) {
          // status is written through the same rename as a put: a kill must not tear it either
          store.setStatus(
              SampleObjects.importOf("ns-" + (i % 3), name, 1).key(),
              Status.EMPTY.withCondition(
                  Condition.IMPORT_TARGET_PORT_VALID, i % 2 == 0, "Round", "round " + i));
        }
        if (i % 10 == 0) {
          store.delete(
              SampleObjects.importOf("ns-" + ((i + 1) % 3), "imp-" + ((i + 7) % NAMES), 1).key());
        }
        if (i % 25 == 0) {
          List<XclObject> batch =
              List.of(
                  SampleObjects.peer("peer-" + (i / 25 % 5), 1 + (i % 60000)),
                  SampleObjects.export("default", "exp-" + (i / 25 % 5), 1 + (i % 60000)));
          store.putAll(batch);
        }
        if (i % 100 == 99) {
          System.out.println("wrote " + (i + 1));
          System.out.flush();
        }
      }
    }
  }
}
