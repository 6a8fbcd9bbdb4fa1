package io.xclusterlink.store;

import io.xclusterlink.api.Import;
import io.xclusterlink.api.Kind;
import io.xclusterlink.api.ObjectMeta;
import io.xclusterlink.api.XclObject;
import io.xclusterlink.store.EmbeddedStore.CommitStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies generation after generation of one large batch to a state directory, so that a test can
 * kill it inside an apply. Every object of generation {@code g} carries the label {@code
 * generation=g}. Usage: {@code ApplyWriterMain <state dir> <objects per apply> [<step>:<n>]}; with
 * a step, the process halts (exit code {@value #HALTED}) the first time the commit reaches it.
 * Prints {@code step <STEP>} when a commit moves to the next step, {@code opened <g>} and {@code
 * applied <g>}.
 */
public final class ApplyWriterMain {
  static final int HALTED = 3;
  static final String NAMESPACE = "batch";
  static final String LABEL = "generation";
  private static final int MAX_APPLIES = 1_000;

  private ApplyWriterMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int size = Integer.parseInt(args[1]);
    CommitStep haltStep = args.length > 2 ? CommitStep.valueOf(args[2].split(":")[0]) : null;
    int haltAt = args.length > 2 ? Integer.parseInt(args[2].split(":")[1]) : -1;
    CommitStep[] last = new CommitStep[1];
    EmbeddedStore.CommitProbe probe =
        (step, n) -> {
          if (step == haltStep && n == haltAt) {
            // no shutdown hooks, no finally blocks, no close: as abrupt as SIGKILL, at a known
            // point
            Runtime.getRuntime().halt(HALTED);
          }
          if (step != last[0]) {
            last[0] = step;
            System.out.println("step " + step);
            System.out.flush();
          }
        };
    try (EmbeddedStore store = EmbeddedStore.open(dir, probe)) {
      int generation = generationOf(store.list(Kind.IMPORT, NAMESPACE));
      System.out.println("opened " + generation);
      System.out.flush();
      for (int i = 0; i < MAX_APPLIES; i++) {
        generation++;
        store.putAll(batch(size, generation));
        System.out.println("applied " + generation);
        System.out.flush();
      }
    }
  }

  static List<XclObject> batch(int size, int generation) {
    Import template = SampleObjects.importOf(NAMESPACE, "template", 8080);
    List<XclObject> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ObjectMeta meta =
          new ObjectMeta(
              String.format("obj-%05d", i), NAMESPACE, Map.of(LABEL, String.valueOf(generation)));
      out.add(new Import(meta, template.spec(), null));
    }
    return out;
  }

  /** The generation of a batch read back: 0 when empty; throws when the objects disagree. */
  static int generationOf(List<XclObject> objects) {
    int g = objects.isEmpty() ? 0 : Integer.parseInt(objects.get(0).metadata().labels().get(LABEL));
    for (XclObject o : objects) {
      if (Integer.parseInt(o.metadata().labels().get(LABEL)) != g) {
        throw new IllegalStateException(
            o.key()
                + " has generation "
                + o.metadata().labels().get(LABEL)
                + " (expected: "
                + g
                + ", as every object of the batch)");
      }
    }
    return g;
  }
}
