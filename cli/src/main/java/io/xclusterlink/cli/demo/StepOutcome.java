package io.xclusterlink.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one step of the tour expected and what the client connections got. Pure: a step went as
 * expected when every connection was answered and exactly the expected peers answered.
 *
 * @param answers one entry per connection: the line it read, or null when it got no answer
 */
record StepOutcome(String title, Set<String> expected, List<String> answers) {
  private static final String GREETING = "hello from ";

  StepOutcome {
    expected = Set.copyOf(expected);
    answers = new ArrayList<>(answers);
  }

  /** The peers that answered, sorted by name. */
  Set<String> answeredBy() {
    Set<String> out = new TreeSet<>();
    for (String a : answers) {
      if (a != null && a.startsWith(GREETING)) {
        out.add(a.substring(GREETING.length()).strip());
      }
    }
    return out;
  }

  /** Connections that got no answer, or an answer that is not a greeting. */
  long unanswered() {
    return answers.stream().filter(a -> a == null || !a.startsWith(GREETING)).count();
  }

  boolean asExpected() {
    return unanswered() == 0 && answeredBy().equals(expected);
  }

  /** One line: what was expected and what happened instead; empty when as expected. */
  String difference() {
    if (asExpected()) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder(title).append(": expected answers from ").append(names(expected));
    sb.append(", got ").append(answeredBy().isEmpty() ? "none" : names(answeredBy()));
    long missing = unanswered();
    if (missing > 0) {
      sb.append(" and ")
          .append(missing)
          .append(" of ")
          .append(answers.size())
          .append(" connections unanswered");
    }
    return sb.toString();
  }

  static String names(Set<String> peers) {
    return String.join(", ", new TreeSet<>(peers));
  }
}
