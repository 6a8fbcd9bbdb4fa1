package io.xclusterlink.policy;

import io.xclusterlink.api.PolicySpec;
import io.xclusterlink.api.SelectorOperator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A compiled label selector (matchLabels + matchExpressions In/NotIn/Exists/DoesNotExist, with
 * Kubernetes semantics: NotIn matches when the key is absent). An empty selector matches
 * everything. Immutable and thread-safe; {@link #matches} does not allocate.
 */
public final class Selector {
  private static final int IN = 0;
  private static final int NOT_IN = 1;
  private static final int EXISTS = 2;
  private static final int DOES_NOT_EXIST = 3;
  // Above this many values a hash set beats a linear scan of the array.
  private static final int SET_THRESHOLD = 8;

  private final String[] labelKeys;
  private final String[] labelValues;
  private final Expression[] expressions;
  private final String text;

  private Selector(
      String[] labelKeys, String[] labelValues, Expression[] expressions, String text) {
    this.labelKeys = labelKeys;
    this.labelValues = labelValues;
    this.expressions = expressions;
    this.text = text;
  }

  /**
   * Compiles a selector.
   *
   * @throws IllegalArgumentException if the selector is null or malformed (a null key or value, an
   *     unknown operator, In/NotIn without values, Exists/DoesNotExist with values)
   */
  public static Selector compile(PolicySpec.LabelSelector s) {
    if (s == null) {
      throw new IllegalArgumentException(
          "workloadSelector: missing (expected: a label selector; {} matches everything)");
    }
    // Sorted so that the compiled form, its text and index choices do not depend on map order.
    TreeMap<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
      // LabelSelector's Map.copyOf already rejects null keys and values.
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("matchLabels key: empty (expected: a label key)");
      }
      labels.put(e.getKey(), e.getValue());
    }
    List<PolicySpec.Requirement> reqs = s.matchExpressions();
    Expression[] exprs = new Expression[reqs.size()];
    for (int i = 0; i < exprs.length; i++) {
      exprs[i] = Expression.of(i, reqs.get(i));
    }
    StringBuilder text = new StringBuilder("{");
    for (Map.Entry<String, String> e : labels.entrySet()) {
      text.append(text.length() > 1 ? ", " : "")
          .append(e.getKey())
          .append('=')
          .append(e.getValue());
    }
    for (Expression x : exprs) {
      text.append(text.length() > 1 ? ", " : "").append(x);
    }
    text.append('}');
    return new Selector(
        labels.keySet().toArray(new String[0]),
        labels.values().toArray(new String[0]),
        exprs,
        text.toString());
  }

  /** Whether the attributes satisfy every label and expression; null attributes count as empty. */
  public boolean matches(Map<String, String> attributes) {
    Map<String, String> a = attributes == null ? Map.of() : attributes;
    for (int i = 0; i < labelKeys.length; i++) {
      if (!labelValues[i].equals(a.get(labelKeys[i]))) {
        return false;
      }
    }
    for (Expression x : expressions) {
      if (!x.matches(a.get(x.key))) {
        return false;
      }
    }
    return true;
  }

  /** Whether this is the empty selector, which matches every attribute set. */
  public boolean matchesEverything() {
    return labelKeys.length == 0 && expressions.length == 0;
  }

  /**
   * The attributes this selector pins: each is a key that must be present with one of the given
   * values for the selector to match (a matchLabels entry, or an In expression). Empty when the
   * selector pins nothing, e.g. only NotIn/Exists/DoesNotExist or the empty selector.
   */
  List<Pin> pins() {
    List<Pin> pins = new ArrayList<>();
    for (int i = 0; i < labelKeys.length; i++) {
      pins.add(new Pin(labelKeys[i], List.of(labelValues[i])));
    }
    for (Expression x : expressions) {
      if (x.operator == IN) {
        pins.add(new Pin(x.key, List.of(x.values)));
      }
    }
    return pins;
  }

  @Override
  public String toString() {
    return text;
  }

  /** A necessary condition of a selector: attribute {@code key} has one of {@code values}. */
  record Pin(String key, List<String> values) {}

  private static final class Expression {
    final String key;
    final int operator;
    final String[] values;
    final Set<String> valueSet;

    private Expression(String key, int operator, String[] values) {
      this.key = key;
      this.operator = operator;
      this.values = values;
      this.valueSet = values.length > SET_THRESHOLD ? new HashSet<>(Arrays.asList(values)) : null;
    }

    static Expression of(int index, PolicySpec.Requirement r) {
      String f = "matchExpressions[" + index + "]";
      if (r == null) {
        throw new IllegalArgumentException(f + ": missing (expected: key, operator, values)");
      }
      if (r.key() == null || r.key().isEmpty()) {
        throw new IllegalArgumentException(f + ".key: missing (expected: a label key)");
      }
      if (r.operator() == null) {
        throw new IllegalArgumentException(
            f + ".operator: missing (expected one of: " + SelectorOperator.texts() + ")");
      }
      String name = r.operator().text();
      int op =
          switch (r.operator()) {
            case IN -> IN;
            case NOT_IN -> NOT_IN;
            case EXISTS -> EXISTS;
            case DOES_NOT_EXIST -> DOES_NOT_EXIST;
          };
      boolean set = op == IN || op == NOT_IN;
      if (set && r.values().isEmpty()) {
        throw new IllegalArgumentException(
            f + ".values: empty (expected: at least one value for " + name + ")");
      }
      if (!set && !r.values().isEmpty()) {
        throw new IllegalArgumentException(
            f + ".values: " + r.values() + " (expected: no values for " + name + ")");
      }
      // Requirement's List.copyOf already rejects null values.
      String[] values = r.values().stream().distinct().toArray(String[]::new);
      return new Expression(r.key(), op, values);
    }

    boolean matches(String value) {
      switch (operator) {
        case IN:
          return value != null && contains(value);
        case NOT_IN:
          return value == null || !contains(value);
        case EXISTS:
          return value != null;
        default:
          return value == null;
      }
    }

    private boolean contains(String value) {
      if (valueSet != null) {
        return valueSet.contains(value);
      }
      for (String v : values) {
        if (v.equals(value)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      switch (operator) {
        case IN:
          return key + " in (" + String.join(",", values) + ")";
        case NOT_IN:
          return key + " notin (" + String.join(",", values) + ")";
        case EXISTS:
          return key;
        default:
          return "!" + key;
      }
    }
  }
}
